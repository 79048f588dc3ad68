/**
 * Where the map opens: the whole map when it fits at a readable size, else its top (the start) at
 * the smallest readable zoom, and the marketer pans (or uses the minimap) for the rest. Shrinking a
 * 20-step map to fit would make its text unreadable (the 6 px text of issue 16).
 */

/** The smallest zoom the map opens at: its 13 px text is then still about 11.7 px on screen. */
export const READABLE_ZOOM = 0.9;
/** A small map is not blown up beyond this. */
export const MAX_OPEN_ZOOM = 1.2;
const PADDING = 24;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export function openingViewport(
  map: { width: number; height: number },
  screen: { width: number; height: number },
  start: { x: number; width: number } | null,
  minZoom = READABLE_ZOOM,
): Viewport {
  const fit = Math.min(
    (screen.width - 2 * PADDING) / Math.max(map.width, 1),
    (screen.height - 2 * PADDING) / Math.max(map.height, 1),
  );
  const zoom = Math.max(minZoom, Math.min(MAX_OPEN_ZOOM, fit));
  const drawnWidth = map.width * zoom;
  const drawnHeight = map.height * zoom;
  const centreX = start ? start.x + start.width / 2 : map.width / 2;
  return {
    // Wider than the screen: the start in the middle; else the whole width centred.
    x:
      drawnWidth <= screen.width - 2 * PADDING
        ? (screen.width - drawnWidth) / 2
        : screen.width / 2 - centreX * zoom,
    // Taller than the screen: from the top; else centred.
    y: drawnHeight <= screen.height - 2 * PADDING ? (screen.height - drawnHeight) / 2 : PADDING,
    zoom,
  };
}
