import {Text as InkText} from 'ink';
import {Children, type ComponentProps} from 'react';
import {safeText} from '../core/sanitize.js';

/**
 * Ink's Text, with every string it is given made safe to show: the wizard shows config values,
 * help file lines, file names, preset names and server replies, and Ink writes them to the
 * terminal as they are, so an ESC, OSC or C1 byte in them would reach it raw. Steps and
 * components import this `Text` instead of Ink's.
 */
export function Text({children, ...props}: ComponentProps<typeof InkText>) {
	return (
		<InkText {...props}>
			{Children.map(children, child => (typeof child === 'string' ? safeText(child) : child))}
		</InkText>
	);
}
