/**
 * Shared presentational pieces of the console. They know nothing about tools or the API; their
 * look (the `ui-*` classes and the design tokens) is ./styles.css, imported here.
 */
import './styles.css';

export { Alert, type AlertProps } from './alert';
export { Badge, type Tone } from './badge';
export { Button, type ButtonProps, type ButtonVariant } from './button';
export { Card, type CardProps } from './card';
export { CopyField } from './copy-field';
export { EmptyState } from './empty-state';
export { Field, type FieldProps } from './field';
export { Loading, Spinner, type SpinnerProps } from './spinner';
export { Tabs, type TabItem, type TabsProps } from './tabs';
export { Dialog } from './dialog';
