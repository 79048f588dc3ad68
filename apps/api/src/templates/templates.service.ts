import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../errors/domain-error';
import { KeapPickersService } from '../keap/pickers/keap-pickers.service';
import type { ToolDetail } from '../tools/tool.dto';
import { ToolService } from '../tools/tool.service';
import { buildTemplate, TEMPLATES, templateTagNames } from './template-catalogue';
import type { ToolTemplateView } from './template.dto';

/** Ready sequences to start from: listed for a preview, used to make a draft in the account. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly tools: ToolService,
    private readonly pickers: KeapPickersService,
  ) {}

  list(): ToolTemplateView[] {
    return TEMPLATES.map((template) => {
      const tags = templateTagNames(template).map((name, index) => ({ id: index + 1, name }));
      return {
        id: template.id,
        name: template.name,
        description: template.description,
        tags,
        definition: buildTemplate(template, new Map(tags.map((t) => [t.name, t.id]))),
      };
    });
  }

  /** A new draft tool from the template, its tags found in Keap by name (or created there). */
  async use(accountId: string, templateId: string): Promise<ToolDetail> {
    const template = TEMPLATES.find((t) => t.id === templateId);
    if (!template) throw new NotFoundError('The template', 'template_not_found');
    const tags = await this.pickers.findOrCreateTags(accountId, templateTagNames(template));
    const ids = new Map([...tags].map(([name, tag]) => [name, tag.id]));
    return this.tools.createDraft(accountId, buildTemplate(template, ids));
  }
}
