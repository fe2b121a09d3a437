// The map of flow monitoring points sized by movements (MapLibre, loaded lazily: this module
// and maplibre-gl are a chunk of their own, shared with the places map). As on the places map,
// nothing comes from the internet: the style is built here from the API's GeoJSON and labels
// are drawn with the bundled Vazirmatn font, in the interface's language.
import { useEffect, useRef, useState } from 'react';
import { Map as MapLibreMap, NavigationControl, ScaleControl, AttributionControl, Popup, setWorkerUrl, type StyleSpecification, type GeoJSONSource, type MapMouseEvent, type ExpressionSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import fontUrl from 'vazirmatn/fonts/webfonts/Vazirmatn-Medium.woff2?url';
import type { Locale } from '../../../app/types.ts';
import type { MapRow } from '../api.ts';
import { bounds, labelPoint, type Geometry } from '../../places/map/geometry.ts';

setWorkerUrl(new URL(workerUrl, location.href).href);

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: Record<string, any>; geometry: Geometry }[];
}

export interface FlowMapLabels {
  /** Lines of the popup of an FMP (movements, groups, daily average, capacity, province). */
  fmpLines: (row: MapRow) => string[];
  /** Lines of the popup of a province (its movements). */
  provinceLines: (code: string) => string[];
  provinceName: (code: string) => string;
  openFmp: string;
  openProvince: string;
  noWebgl: string;
}

export interface FlowMapCanvasProps {
  provinces: FeatureCollection;
  countries: FeatureCollection;
  rows: MapRow[];
  locale: Locale;
  /** Highlighted province (and the map fitted to it). */
  province: string | null;
  /** Highlighted FMP (and the map centred on it). */
  fmp: string | null;
  label: string;
  labels: FlowMapLabels;
  onOpenFmp: (code: string) => void;
  onOpenProvince: ((code: string) => void) | null;
}

const IRAN_BOUNDS: [[number, number], [number, number]] = [
  [44.0, 25.0],
  [63.4, 39.8],
];
const MAX_RADIUS = 26;

function pointsFrom(fc: FeatureCollection, keep: (p: Record<string, any>) => boolean): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: fc.features
      .filter((f) => keep(f.properties))
      .map((f) => ({ type: 'Feature' as const, properties: f.properties, geometry: { type: 'Point', coordinates: labelPoint(f.geometry) ?? [0, 0] } })),
  };
}

function fmpCollection(rows: MapRow[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: rows
      .filter((r) => r.lat !== null && r.lon !== null)
      .map((r) => ({
        type: 'Feature',
        properties: { fmp: r.fmp, name_en: r.name_en, name_fa: r.name_fa, individuals: Number(r.individuals) },
        geometry: { type: 'Point', coordinates: [Number(r.lon), Number(r.lat)] },
      })),
  };
}

/** Circle radius: its area grows with the movements (square root), the largest MAX_RADIUS px. */
function radius(rows: MapRow[]): ExpressionSpecification {
  const max = Math.max(1, ...rows.map((r) => Number(r.individuals)));
  return ['interpolate', ['linear'], ['sqrt', ['get', 'individuals']], 0, 4, Math.sqrt(max), MAX_RADIUS];
}

/** Label distance (in ems) from the circle's centre, so that it clears the circle. */
function labelOffset(rows: MapRow[]): ExpressionSpecification {
  const max = Math.max(1, ...rows.map((r) => Number(r.individuals)));
  return ['interpolate', ['linear'], ['sqrt', ['get', 'individuals']], 0, 0.7, Math.sqrt(max), (MAX_RADIUS + 4) / 12];
}

const strokeColour = (fmp: string | null): ExpressionSpecification => ['case', ['==', ['get', 'fmp'], fmp ?? ''], '#111111', '#ffffff'];
const strokeWidth = (fmp: string | null): ExpressionSpecification => ['case', ['==', ['get', 'fmp'], fmp ?? ''], 3, 1.2];

function buildStyle(p: FlowMapCanvasProps): StyleSpecification {
  const nameKey = p.locale === 'fa' ? 'name_fa' : 'name_en';
  return {
    version: 8,
    name: 'marz-flows',
    'font-faces': { 'sans-serif': new URL(fontUrl, location.href).href },
    sources: {
      countries: { type: 'geojson', data: p.countries as any, attribution: 'Natural Earth' },
      provinces: { type: 'geojson', data: p.provinces as any, attribution: 'Natural Earth' },
      'province-labels': { type: 'geojson', data: pointsFrom(p.provinces, () => true) as any },
      fmps: { type: 'geojson', data: fmpCollection(p.rows) as any },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#cfe3ec' } },
      { id: 'countries-fill', type: 'fill', source: 'countries', paint: { 'fill-color': ['case', ['==', ['get', 'iso3'], 'IRN'], '#fbfaf7', '#e4ded2'] } },
      { id: 'countries-line', type: 'line', source: 'countries', paint: { 'line-color': '#8c8475', 'line-width': 1 } },
      { id: 'province-selected', type: 'fill', source: 'provinces', filter: ['==', ['get', 'iso_3166_2'], p.province ?? ''], paint: { 'fill-color': '#fcd34d', 'fill-opacity': 0.45 } },
      { id: 'provinces-fill', type: 'fill', source: 'provinces', paint: { 'fill-color': '#000000', 'fill-opacity': 0 } },
      { id: 'provinces-line', type: 'line', source: 'provinces', paint: { 'line-color': '#5b7780', 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.6, 8, 1.4] } },
      {
        id: 'province-labels',
        type: 'symbol',
        source: 'province-labels',
        layout: { 'text-field': ['get', nameKey], 'text-font': ['sans-serif'], 'text-size': ['interpolate', ['linear'], ['zoom'], 4, 9, 7, 13], 'text-max-width': 7, 'text-padding': 2 },
        paint: { 'text-color': '#4b5f66', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
      },
      {
        id: 'fmps',
        type: 'circle',
        source: 'fmps',
        layout: { 'circle-sort-key': ['-', 0, ['get', 'individuals']] },
        paint: {
          'circle-color': ['case', ['>', ['get', 'individuals'], 0], '#0f766e', '#9ca3af'],
          'circle-opacity': 0.72,
          'circle-radius': radius(p.rows),
          'circle-stroke-color': strokeColour(p.fmp),
          'circle-stroke-width': strokeWidth(p.fmp),
        },
      },
      {
        id: 'fmp-labels',
        type: 'symbol',
        source: 'fmps',
        // Points without movements are named only when zoomed in (they crowd the country view).
        filter: ['>', ['get', 'individuals'], 0],
        layout: {
          'text-field': ['get', nameKey],
          'text-font': ['sans-serif'],
          'text-size': 12,
          'text-variable-anchor': ['top', 'bottom', 'left', 'right'],
          'text-radial-offset': labelOffset(p.rows),
          'text-optional': true,
          'symbol-sort-key': ['-', 0, ['get', 'individuals']],
        },
        paint: { 'text-color': '#0b3b37', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
      {
        id: 'fmp-labels-quiet',
        type: 'symbol',
        source: 'fmps',
        minzoom: 5.5,
        filter: ['==', ['get', 'individuals'], 0],
        layout: { 'text-field': ['get', nameKey], 'text-font': ['sans-serif'], 'text-size': 11, 'text-variable-anchor': ['top', 'bottom', 'left', 'right'], 'text-radial-offset': 0.7, 'text-optional': true },
        paint: { 'text-color': '#52525b', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
    ],
  };
}

export default function FlowMapCanvas(props: FlowMapCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const popupRef = useRef<Popup | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const [failed, setFailed] = useState<string | null>(null);

  // Create the map once.
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container: el,
        style: buildStyle(props),
        bounds: IRAN_BOUNDS,
        fitBoundsOptions: { padding: 12 },
        attributionControl: false,
        minZoom: 3,
        maxZoom: 11,
        dragRotate: false,
        pitchWithRotate: false,
      });
    } catch (e) {
      setFailed(String((e as Error)?.message ?? e));
      return;
    }
    mapRef.current = map;
    map.touchZoomRotate.disableRotation();
    const rtl = props.locale === 'fa';
    map.addControl(new NavigationControl({ showCompass: false }), rtl ? 'top-left' : 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), rtl ? 'bottom-right' : 'bottom-left');
    map.addControl(new AttributionControl({ compact: true }), rtl ? 'bottom-left' : 'bottom-right');
    const ready = () => {
      if (map.getSource('fmps') && map.isSourceLoaded('fmps')) el.setAttribute('data-fmps', String(fmpCollection(latest.current.rows).features.length));
    };
    map.on('idle', ready);
    map.on('error', (e) => console.warn('map:', e.error?.message ?? e));
    map.on('mouseenter', 'fmps', () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', 'fmps', () => (map.getCanvas().style.cursor = ''));

    const popup = (lngLat: [number, number], title: string, lines: string[], link: { text: string; go: () => void } | null) => {
      const p = latest.current;
      popupRef.current?.remove();
      const box = document.createElement('div');
      box.className = 'map-popup';
      box.dir = p.locale === 'fa' ? 'rtl' : 'ltr';
      box.lang = p.locale;
      const h = document.createElement('h3');
      h.textContent = title;
      box.append(h);
      for (const text of lines) {
        if (!text) continue;
        const line = document.createElement('p');
        line.textContent = text;
        box.append(line);
      }
      if (link) {
        const a = document.createElement('a');
        a.href = '#';
        a.textContent = link.text;
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          link.go();
        });
        box.append(a);
      }
      popupRef.current = new Popup({ closeButton: true, maxWidth: '260px', focusAfterOpen: true }).setLngLat(lngLat).setDOMContent(box).addTo(map);
    };

    map.on('click', (e: MapMouseEvent) => {
      const p = latest.current;
      const hit = map.queryRenderedFeatures(e.point, { layers: ['fmps'] })[0];
      if (hit) {
        const row = p.rows.find((r) => r.fmp === hit.properties.fmp);
        if (!row) return;
        popup([Number(row.lon), Number(row.lat)], p.locale === 'fa' ? row.name_fa || row.name_en : row.name_en || row.name_fa, p.labels.fmpLines(row), { text: p.labels.openFmp, go: () => latest.current.onOpenFmp(row.fmp) });
        return;
      }
      const prov = map.queryRenderedFeatures(e.point, { layers: ['provinces-fill'] })[0];
      if (prov) {
        const code = String(prov.properties.iso_3166_2);
        const open = p.onOpenProvince;
        popup([e.lngLat.lng, e.lngLat.lat], p.labels.provinceName(code), p.labels.provinceLines(code), open ? { text: p.labels.openProvince, go: () => open(code) } : null);
      } else popupRef.current?.remove();
    });

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

  const whenLoaded = (apply: (map: MapLibreMap) => void) => {
    const map = mapRef.current;
    if (!map) return;
    if (map.isStyleLoaded()) apply(map);
    else map.once('load', () => apply(map));
  };

  // Language of the labels.
  useEffect(() => {
    whenLoaded((map) => {
      const key = props.locale === 'fa' ? 'name_fa' : 'name_en';
      map.setLayoutProperty('province-labels', 'text-field', ['get', key]);
      map.setLayoutProperty('fmp-labels', 'text-field', ['get', key]);
      map.setLayoutProperty('fmp-labels-quiet', 'text-field', ['get', key]);
    });
    popupRef.current?.remove();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.locale]);

  // New figures (filters changed).
  useEffect(() => {
    whenLoaded((map) => {
      (map.getSource('fmps') as GeoJSONSource | undefined)?.setData(fmpCollection(props.rows) as any);
      map.setPaintProperty('fmps', 'circle-radius', radius(props.rows));
      map.setLayoutProperty('fmp-labels', 'text-radial-offset', labelOffset(props.rows));
    });
    popupRef.current?.remove();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.rows]);

  // Highlight and fit the province or the FMP.
  useEffect(() => {
    whenLoaded((map) => {
      map.setFilter('province-selected', ['==', ['get', 'iso_3166_2'], props.province ?? '']);
      map.setPaintProperty('fmps', 'circle-stroke-color', strokeColour(props.fmp));
      map.setPaintProperty('fmps', 'circle-stroke-width', strokeWidth(props.fmp));
      const row = props.fmp ? props.rows.find((r) => r.fmp === props.fmp) : undefined;
      if (row && row.lat !== null && row.lon !== null) {
        map.jumpTo({ center: [Number(row.lon), Number(row.lat)], zoom: 6 });
      } else if (props.province) {
        const f = props.provinces.features.find((x) => x.properties.iso_3166_2 === props.province);
        const b = f && bounds(f.geometry);
        if (b) map.fitBounds(b, { padding: 30, maxZoom: 7.5, duration: 0 });
      }
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.province, props.fmp]);

  return (
    <div className="map-frame flows-map-frame">
      <div ref={container} className="map" data-testid="flows-map" role="region" aria-label={props.label} />
      {failed && (
        <div className="map-failed" role="alert">
          <p>{props.labels.noWebgl}</p>
          <p className="muted small" dir="ltr">
            {failed}
          </p>
        </div>
      )}
    </div>
  );
}
