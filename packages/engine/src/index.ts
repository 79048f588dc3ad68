export * from './tool.schema';
export * from './conversation.types';
