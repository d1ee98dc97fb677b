import { useEffect } from 'react';

/**
 * Esc closes the topmost layer (a form, a lightbox) and stops there: listening in the capture phase
 * and stopping propagation keeps the drawer underneath from closing too.
 */
export function useEscapeToClose(onClose: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
}
