import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { ApiBodyFrom, ApiErrors, ApiQueryFrom, schemaRef } from '../../openapi/api-schemas';
import { CurrentAccountId, SessionGuard } from '../../session/session.guard';
import {
  type AvailableNumber,
  availableNumbersQuery,
  buyNumberBody,
  connectTwilioBody,
  messagingServiceSidParam,
  phoneNumberSidParam,
  type PhoneNumberView,
  type PointedMessagingService,
  pointedMessagingServiceSchema,
  type PointedPhoneNumber,
  pointedPhoneNumberSchema,
  type Senders,
} from './twilio-connection.dto';
import { TwilioConnectionService } from './twilio-connection.service';
import { TwilioSendersService } from './twilio-senders.service';

/** Point-here's own answer (the sender with what was fetched back), documented where it is given. */
const answerSchema = (schema: z.ZodType): SchemaObject =>
  z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
    io: 'output',
  }) as SchemaObject;

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
  @ApiOperation({
    summary:
      'Checks the credentials with Twilio (the Auth Token always: it verifies inbound texts), then saves them sealed; 400 twilio_credentials_rejected names the credential to fix.',
  })
  @ApiBodyFrom(connectTwilioBody)
  @ApiOkResponse({ schema: schemaRef('TwilioConnected') })
  @ApiErrors(400, 502)
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
  @ApiNoContentResponse({ description: 'Twilio is disconnected (the credentials are deleted).' })
  async disconnect(@CurrentAccountId() accountId: string): Promise<void> {
    await this.connections.remove(accountId);
  }

  @Get('senders')
  @ApiOperation({
    summary:
      "The Twilio account's numbers and messaging services, each with the published tools that use it and whether their texts reach this app (broken: a tool uses it and its inbound webhook points elsewhere).",
  })
  @ApiOkResponse({ schema: schemaRef('Senders') })
  @ApiErrors(409, 502)
  senderList(@CurrentAccountId() accountId: string): Promise<Senders> {
    return this.senders.list(accountId);
  }

  @Get('available-numbers')
  @ApiOperation({ summary: 'Numbers Twilio offers to buy.' })
  @ApiQueryFrom(availableNumbersQuery)
  @ApiOkResponse({ schema: schemaRef('AvailableNumbers') })
  @ApiErrors(400, 409, 502)
  async available(
    @CurrentAccountId() accountId: string,
    @Query() query: unknown,
  ): Promise<{ numbers: AvailableNumber[] }> {
    return {
      numbers: await this.senders.availableNumbers(accountId, availableNumbersQuery.parse(query)),
    };
  }

  @Post('numbers')
  @ApiOperation({
    summary: 'Buys the number, its inbound SMS webhook already pointing at this app.',
    description:
      'When Twilio refuses the purchase (the number was sold meanwhile, is invalid, none left in the area code…) the answer is 409 twilio_refused, its message giving Twilio’s reason (details: phoneNumber, twilioCode); 502 twilio_unavailable only when Twilio failed or could not be reached.',
  })
  @ApiBodyFrom(buyNumberBody)
  @ApiCreatedResponse({ schema: schemaRef('PhoneNumber') })
  @ApiErrors(400, 409, 502)
  buy(@CurrentAccountId() accountId: string, @Body() body: unknown): Promise<PhoneNumberView> {
    return this.senders.buy(accountId, buyNumberBody.parse(body).phoneNumber);
  }

  @Post('numbers/:sid/point-here')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Points the number's inbound SMS webhook (and status callback) back at this app, e.g. after it was changed in the Twilio Console; answers the number as the senders list shows it. A number already pointed here is left as it is. The texts Twilio sent elsewhere meanwhile are fetched back and answered (fetchedBack); if Twilio cannot list them the number still points here (fetchBackFailed).",
  })
  @ApiParam({ name: 'sid', description: 'The number’s SID (PN…), from the senders list' })
  @ApiOkResponse({ schema: answerSchema(pointedPhoneNumberSchema) })
  @ApiErrors(400, 404, 409, 502)
  pointNumberHere(
    @CurrentAccountId() accountId: string,
    @Param('sid') sid: string,
  ): Promise<PointedPhoneNumber> {
    return this.senders.pointNumberHere(accountId, phoneNumberSidParam.parse({ sid }).sid);
  }

  @Post('messaging-services/:sid/point-here')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Points the messaging service's inbound request URL back at this app (and stops it deferring to each number's webhook); answers the service as the senders list shows it. A service already pointed here is left as it is. The texts its pool numbers received elsewhere meanwhile are fetched back and answered (fetchedBack); if Twilio cannot list them the service still points here (fetchBackFailed).",
  })
  @ApiParam({
    name: 'sid',
    description: 'The messaging service’s SID (MG…), from the senders list',
  })
  @ApiOkResponse({ schema: answerSchema(pointedMessagingServiceSchema) })
  @ApiErrors(400, 404, 409, 502)
  pointServiceHere(
    @CurrentAccountId() accountId: string,
    @Param('sid') sid: string,
  ): Promise<PointedMessagingService> {
    return this.senders.pointServiceHere(accountId, messagingServiceSidParam.parse({ sid }).sid);
  }
}
