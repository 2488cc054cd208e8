/**
 * Stylesheets, in Mantine's required order: baseline, variables, globals,
 * then only the components the sign-in page and the page frame use: the
 * first load stays small. The signed-in shell adds the rest
 * (app/styles-shell.ts, loaded with it). No CSS is injected at run time:
 * the server's CSP forbids inline <style>.
 */
import '@mantine/core/styles/baseline.css';
import 'virtual:mantine-vars.css';
import '@mantine/core/styles/global.css';

import '@mantine/core/styles/UnstyledButton.css';
import '@mantine/core/styles/VisuallyHidden.css';
import '@mantine/core/styles/Paper.css';
import '@mantine/core/styles/CloseButton.css';
import '@mantine/core/styles/Group.css';
import '@mantine/core/styles/Stack.css';
import '@mantine/core/styles/Center.css';
import '@mantine/core/styles/Container.css';
import '@mantine/core/styles/Loader.css';
import '@mantine/core/styles/Input.css';
import '@mantine/core/styles/InlineInput.css';
import '@mantine/core/styles/Flex.css';
import '@mantine/core/styles/Text.css';
import '@mantine/core/styles/Title.css';
// The lead list's table: the entry draws its rows before the shell loads (app/first-view.ts).
import '@mantine/core/styles/Table.css';
import '@mantine/core/styles/Anchor.css';
import '@mantine/core/styles/Button.css';
import '@mantine/core/styles/Alert.css';
import '@mantine/core/styles/PasswordInput.css';

import './app.css';
