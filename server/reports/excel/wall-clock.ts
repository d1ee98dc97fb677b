/** Epoch ms → epoch ms of the same wall-clock time in UTC (what an Excel date cell holds). */
export function wallClockMs(zone: string): (ms: number | null) => number | null {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  const offsetAt = (ms: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - (ms - (ms % 1000));
  };
  // Offsets change a few times a year, so they are cached per hour (formatting every cell took most
  // of the sheet's time). An hour in which the offset changes is not cached: its cells are exact too.
  const offsets = new Map<number, number | null>();
  return (ms) => {
    if (ms === null) return null;
    const hour = Math.floor(ms / 3_600_000);
    let off = offsets.get(hour);
    if (off === undefined) {
      const start = offsetAt(hour * 3_600_000);
      off = start === offsetAt(hour * 3_600_000 + 3_599_000) ? start : null;
      if (offsets.size > 100_000) offsets.clear();
      offsets.set(hour, off);
    }
    return ms + (off ?? offsetAt(ms));
  };
}
