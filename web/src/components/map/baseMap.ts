// The base the maps of Marz share (MapLibre; imported only by the lazily loaded map canvases, so
// this module and maplibre-gl are a chunk of their own). No external style, tiles or glyph
// server: the style is built here from the API's GeoJSON — sea, countries, Iran's provinces and
// their names — and labels are drawn by the browser with the bundled Vazirmatn font (style
// `font-faces`), so Persian names are shaped correctly and nothing is fetched from the internet.
// Controls sit on the reading side of the language. Each map adds its own sources, layers and
// behaviour on top.
import { useEffect, useRef, useState } from 'react';
import {
  Map as MapLibreMap,
  NavigationControl,
  ScaleControl,
  AttributionControl,
  Popup,
  setWorkerUrl,
  type ExpressionSpecification,
  type FilterSpecification,
  type LayerSpecification,
  type SourceSpecification,
  type StyleSpecification,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import fontUrl from 'vazirmatn/fonts/webfonts/Vazirmatn-Medium.woff2?url';
import type { Locale } from '../../app/types.ts';
import type { FeatureCollection } from './geo.ts';
import { labelPoint } from './geometry.ts';

setWorkerUrl(new URL(workerUrl, location.href).href);

export type { MapLibreMap };

const IRAN_BOUNDS: [[number, number], [number, number]] = [
  [44.0, 25.0],
  [63.4, 39.8],
];

/** The label text of a feature in the interface's language. */
export const nameField = (locale: Locale): ExpressionSpecification => ['get', locale === 'fa' ? 'name_fa' : 'name_en'];

/** The highlighted province (none: ''). */
export const provinceFilter = (code: string | null): FilterSpecification => ['==', ['get', 'iso_3166_2'], code ?? ''];

/** A point for each polygon's label, well inside it. */
function pointsFrom(fc: FeatureCollection, keep: (p: Record<string, any>) => boolean): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: fc.features
      .filter((f) => keep(f.properties))
      .map((f) => ({ type: 'Feature' as const, properties: f.properties, geometry: { type: 'Point', coordinates: labelPoint(f.geometry) ?? [0, 0] } })),
  };
}

export interface BaseStyleOptions {
  name: string;
  locale: Locale;
  provinces: FeatureCollection;
  countries: FeatureCollection;
  /** The province highlighted, and how strongly. */
  selectedProvince: string | null;
  selectedOpacity: number;
  /** Province names: text size at zoom 4 and 7, colour, halo width. */
  provinceLabels: { size: [number, number]; colour: string; haloWidth: number };
  /** Names of the neighbouring countries too (Iran's own is left out, as are far ones cut by the frame). */
  countryLabels?: boolean;
  /** The map's own sources, and its layers, drawn above the base. */
  sources?: Record<string, SourceSpecification>;
  layers?: LayerSpecification[];
}

/** The style: the base layers, then the map's own. */
export function baseStyle(o: BaseStyleOptions): StyleSpecification {
  const name = nameField(o.locale);
  const sources: Record<string, SourceSpecification> = {
    countries: { type: 'geojson', data: o.countries as any, attribution: 'Natural Earth' },
    provinces: { type: 'geojson', data: o.provinces as any, attribution: 'Natural Earth' },
    'province-labels': { type: 'geojson', data: pointsFrom(o.provinces, () => true) as any },
  };
  if (o.countryLabels) sources['country-labels'] = { type: 'geojson', data: pointsFrom(o.countries, (p) => p.iso3 !== 'IRN' && p.iso3 !== 'RUS' && p.iso3 !== 'KAZ') as any };
  const [small, large] = o.provinceLabels.size;
  const layers: LayerSpecification[] = [
    { id: 'sea', type: 'background', paint: { 'background-color': '#cfe3ec' } },
    { id: 'countries-fill', type: 'fill', source: 'countries', paint: { 'fill-color': ['case', ['==', ['get', 'iso3'], 'IRN'], '#fbfaf7', '#e4ded2'] } },
    { id: 'countries-line', type: 'line', source: 'countries', paint: { 'line-color': '#8c8475', 'line-width': 1 } },
    { id: 'province-selected', type: 'fill', source: 'provinces', filter: provinceFilter(o.selectedProvince), paint: { 'fill-color': '#fcd34d', 'fill-opacity': o.selectedOpacity } },
    // Invisible: what a click on a province hits.
    { id: 'provinces-fill', type: 'fill', source: 'provinces', paint: { 'fill-color': '#000000', 'fill-opacity': 0 } },
    { id: 'provinces-line', type: 'line', source: 'provinces', paint: { 'line-color': '#5b7780', 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.6, 8, 1.4] } },
  ];
  if (o.countryLabels) {
    layers.push({
      id: 'country-labels',
      type: 'symbol',
      source: 'country-labels',
      layout: { 'text-field': name, 'text-font': ['sans-serif'], 'text-size': 13, 'text-max-width': 8 },
      paint: { 'text-color': '#6b6355', 'text-halo-color': '#f3efe7', 'text-halo-width': 1.5 },
    });
  }
  layers.push({
    id: 'province-labels',
    type: 'symbol',
    source: 'province-labels',
    layout: { 'text-field': name, 'text-font': ['sans-serif'], 'text-size': ['interpolate', ['linear'], ['zoom'], 4, small, 7, large], 'text-max-width': 7, 'text-padding': 2 },
    paint: { 'text-color': o.provinceLabels.colour, 'text-halo-color': '#ffffff', 'text-halo-width': o.provinceLabels.haloWidth },
  });
  return {
    version: 8,
    name: o.name,
    // No `glyphs`: text is drawn locally. `sans-serif` is mapped to the bundled Vazirmatn.
    'font-faces': { 'sans-serif': new URL(fontUrl, location.href).href },
    sources: { ...sources, ...o.sources },
    layers: [...layers, ...(o.layers ?? [])],
  };
}

/** Runs `apply` now if the style is loaded, else once it is. */
export function whenLoaded(map: MapLibreMap | null, apply: (map: MapLibreMap) => void) {
  if (!map) return;
  if (map.isStyleLoaded()) apply(map);
  else map.once('load', () => apply(map));
}

/** Names in the interface's language: the base's labels and the map's own label layers. */
export function setLabelLanguage(map: MapLibreMap, locale: Locale, ownLayers: string[] = []) {
  for (const id of ['province-labels', 'country-labels', ...ownLayers]) if (map.getLayer(id)) map.setLayoutProperty(id, 'text-field', nameField(locale));
}

/** A pointer over the features of a layer that can be clicked. */
export function clickable(map: MapLibreMap, layer: string) {
  map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
  map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
}

export interface BaseMapOptions {
  /** The style, built once when the map is created (later changes go through the map). */
  style: () => StyleSpecification;
  locale: Locale;
  /** Padding around Iran in the first view. */
  padding: number;
  /** The map's own events, once it exists. */
  setup: (map: MapLibreMap, el: HTMLDivElement) => void;
}

/**
 * Creates the map once, framed on Iran, without rotation, with the zoom, scale and attribution
 * controls on the reading side; resizes it with its box and removes it with the component.
 * `failed` says why when the browser cannot draw it (no WebGL).
 */
export function useBaseMap(o: BaseMapOptions) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const popupRef = useRef<Popup | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container: el,
        style: o.style(),
        bounds: IRAN_BOUNDS,
        fitBoundsOptions: { padding: o.padding },
        attributionControl: false,
        minZoom: 3,
        maxZoom: 11,
        dragRotate: false,
        pitchWithRotate: false,
        cooperativeGestures: false,
      });
    } catch (e) {
      setFailed(String((e as Error)?.message ?? e));
      return;
    }
    mapRef.current = map;
    map.touchZoomRotate.disableRotation();
    const rtl = o.locale === 'fa';
    map.addControl(new NavigationControl({ showCompass: false }), rtl ? 'top-left' : 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), rtl ? 'bottom-right' : 'bottom-left');
    map.addControl(new AttributionControl({ compact: true }), rtl ? 'bottom-left' : 'bottom-right');
    map.on('error', (e) => console.warn('map:', e.error?.message ?? e));
    o.setup(map, el);

    const ro = new ResizeObserver(() => map.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      popupRef.current?.remove();
      map.remove();
      mapRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** Opens a popup (closing the one open): a title, lines (empty ones left out) and a link. */
  const openPopup = (map: MapLibreMap, c: { locale: Locale; at: [number, number]; title: string; lines: string[]; link?: { text: string; href: string; go: () => void } | null }) => {
    popupRef.current?.remove();
    const box = document.createElement('div');
    box.className = 'map-popup';
    box.dir = c.locale === 'fa' ? 'rtl' : 'ltr';
    box.lang = c.locale;
    const h = document.createElement('h3');
    h.textContent = c.title;
    box.append(h);
    for (const text of c.lines) {
      if (!text) continue;
      const line = document.createElement('p');
      line.textContent = text;
      box.append(line);
    }
    if (c.link) {
      const { text, href, go } = c.link;
      const a = document.createElement('a');
      a.href = href;
      a.textContent = text;
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        go();
      });
      box.append(a);
    }
    popupRef.current = new Popup({ closeButton: true, maxWidth: '260px', focusAfterOpen: true }).setLngLat(c.at).setDOMContent(box).addTo(map);
  };
  const closePopup = () => popupRef.current?.remove();

  return { container, mapRef, failed, openPopup, closePopup };
}
