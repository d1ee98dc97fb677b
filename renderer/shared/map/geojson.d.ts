// The GeoJSON namespace (from @types/geojson, which maplibre-gl depends on) for the map feature
// code; the renderer tsconfig limits global types to vite/client.
/// <reference types="geojson" />
