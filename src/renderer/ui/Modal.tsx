import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useState, type ReactNode } from 'react';

/**
 * A window-level modal on Radix UI's dialog: focus moves in, stays in (Tab wraps), Escape
 * closes, and focus goes back where it was. Everything behind it is inert while it is open.
 * The backdrop and the scroll lock are ours: Radix's overlay injects a <style> element,
 * which the page's Content-Security-Policy (no inline styles) refuses.
 */
export function Modal({
  open,
  onClose,
  title,
  description,
  testId,
  wide,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  testId: string;
  wide?: boolean;
  children: ReactNode;
}) {
  // Opened from code rather than a Radix trigger, so the element that had the focus gets it back here.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    if (!open) return undefined;
    const before = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.body.style.overflow = before;
    };
  }, [open]);
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        if (!next) onClose();
      }}
    >
      <Dialog.Portal>
        <div className="modal-overlay" aria-hidden="true" />
        <Dialog.Content className={wide ? 'modal wide' : 'modal'} data-testid={testId}
          {...(description === undefined ? { 'aria-describedby': undefined } : {})}
          onCloseAutoFocus={(event) => {
            if (opener?.isConnected) {
              event.preventDefault();
              opener.focus();
            }
          }}
        >
          <Dialog.Title className="modal-title">{title}</Dialog.Title>
          {description !== undefined && <Dialog.Description className="modal-description">{description}</Dialog.Description>}
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
