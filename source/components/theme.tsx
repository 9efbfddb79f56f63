import {createContext, useContext} from 'react';

/** Colours by role; all undefined under NO_COLOR (no-color.org), so meaning never rests on colour alone. */
export type Theme = {
	accent: string | undefined;
	good: string | undefined;
	bad: string | undefined;
	warn: string | undefined;
	added: string | undefined;
	removed: string | undefined;
};

const colours: Theme = {accent: 'cyan', good: 'green', bad: 'red', warn: 'yellow', added: 'green', removed: 'red'};
const plain: Theme = {accent: undefined, good: undefined, bad: undefined, warn: undefined, added: undefined, removed: undefined};

/** NO_COLOR counts when it is set and not empty. */
export function themeFor(env: NodeJS.ProcessEnv): Theme {
	return env['NO_COLOR'] ? plain : colours;
}

export const ThemeContext = createContext<Theme>(colours);

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
