/** The toasts' host with its styles: a chunk of its own, loaded after the first paint. */
import '@mantine/core/styles/Notification.css';
import '@mantine/notifications/styles.css';
import { Notifications } from '@mantine/notifications';

export default Notifications;
