/** Mantine's Modal, alone in its chunk: see lazy-modal.tsx. */
import { Modal } from '@mantine/core';

export default Modal;
