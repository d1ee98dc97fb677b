import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorkOrderDto } from '../../shared/work-orders/queries';

export interface TrayDrag {
  wo: WorkOrderDto;
  x: number;
  y: number;
}

/**
 * Tray → chart: our own pointer drag (frappe-gantt bars move only in time). The window listeners are
 * attached in the mousedown itself, not in an effect after the lift renders: on a loaded machine a
 * quick drag's mouseup came before that effect ran, and the drop was lost with the card left lifted.
 * `drop` is read at mouseup, so it may close over the latest lanes and range.
 */
export function useTrayDrag(drop: (wo: WorkOrderDto, x: number, y: number) => void) {
  const [trayDrag, setTrayDrag] = useState<TrayDrag | null>(null);
  const dropTo = useRef(drop);
  dropTo.current = drop;
  const endDrag = useRef<(() => void) | null>(null);
  useEffect(() => () => endDrag.current?.(), []);
  const onLift = useCallback((wo: WorkOrderDto, x: number, y: number) => {
    endDrag.current?.();
    const move = (e: MouseEvent) => setTrayDrag((d) => (d ? { ...d, x: e.clientX, y: e.clientY } : d));
    const up = (e: MouseEvent) => {
      stop();
      dropTo.current(wo, e.clientX, e.clientY);
    };
    const stop = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      endDrag.current = null;
      setTrayDrag(null);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
    endDrag.current = stop;
    setTrayDrag({ wo, x, y });
  }, []);
  return { trayDrag, onLift };
}
