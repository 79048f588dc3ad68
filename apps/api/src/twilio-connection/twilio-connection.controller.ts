import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentAccountId, SessionGuard } from '../session/session.guard';
import { TwilioConnectionService } from './twilio-connection.service';
import {
  type MessagingServiceView,
  type PhoneNumberView,
  TwilioSendersService,
} from './twilio-senders.service';

export const connectTwilioBody = z
  .object({
    accountSid: z
      .string()
      .trim()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID (AC followed by 32 hex digits)'),
    authToken: z
      .string()
      .trim()
      .min(1, 'is required: it checks that inbound texts really come from Twilio')
      .max(200, 'is too long for a Twilio Auth Token'),
    apiKeySid: z
      .string()
      .trim()
      .regex(/^SK[0-9a-fA-F]{32}$/, 'must be a Twilio API key SID (SK followed by 32 hex digits)')
      .optional(),
    apiKeySecret: z
      .string()
      .trim()
      .min(1, 'is required with apiKeySid')
      .max(200, 'is too long for a Twilio API key secret')
      .optional(),
  })
  .superRefine((body, ctx) => {
    // A key without its secret (or the reverse) would silently fall back to the Auth Token.
    if (body.apiKeySid && !body.apiKeySecret)
      ctx.addIssue({
        code: 'custom',
        path: ['apiKeySecret'],
        message: 'is required with apiKeySid: give the secret shown when the API key was created',
      });
    if (body.apiKeySecret && !body.apiKeySid)
      ctx.addIssue({
        code: 'custom',
        path: ['apiKeySid'],
        message: 'is required with apiKeySecret: give the API key SID (SK…)',
      });
  });
const searchQuery = z.object({
  country: z.string().trim().length(2).default('US'),
  areaCode: z
    .string()
    .trim()
    .regex(/^\d{0,5}$/)
    .optional(),
  type: z.enum(['local', 'toll_free']).default('local'),
});
const buyBody = z.object({
  phoneNumber: z
    .string()
    .trim()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567'),
});

@ApiTags('twilio')
@ApiCookieAuth('sms_session')
@Controller('twilio')
@UseGuards(SessionGuard)
export class TwilioConnectionController {
  constructor(
    private readonly connections: TwilioConnectionService,
    private readonly senders: TwilioSendersService,
  ) {}

  @Put('connection')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['accountSid', 'authToken'],
      properties: {
        accountSid: { type: 'string' },
        authToken: { type: 'string' },
        apiKeySid: { type: 'string' },
        apiKeySecret: { type: 'string' },
      },
    },
  })
  async connect(
    @CurrentAccountId() accountId: string,
    @Body() body: unknown,
  ): Promise<{ connected: true; accountSid: string }> {
    const input = connectTwilioBody.parse(body);
    await this.senders.connect(accountId, {
      accountSid: input.accountSid,
      authToken: input.authToken,
      apiKeySid: input.apiKeySid ?? null,
      apiKeySecret: input.apiKeySecret ?? null,
    });
    return { connected: true, accountSid: input.accountSid };
  }

  @Delete('connection')
  @HttpCode(204)
  async disconnect(@CurrentAccountId() accountId: string): Promise<void> {
    await this.connections.remove(accountId);
  }

  @Get('senders')
  senderList(
    @CurrentAccountId() accountId: string,
  ): Promise<{ phoneNumbers: PhoneNumberView[]; messagingServices: MessagingServiceView[] }> {
    return this.senders.list(accountId);
  }

  @Get('available-numbers')
  async available(@CurrentAccountId() accountId: string, @Query() query: unknown) {
    return { numbers: await this.senders.availableNumbers(accountId, searchQuery.parse(query)) };
  }

  @Post('numbers')
  buy(@CurrentAccountId() accountId: string, @Body() body: unknown): Promise<PhoneNumberView> {
    return this.senders.buy(accountId, buyBody.parse(body).phoneNumber);
  }
}
