// The MapLibre map (loaded lazily: this module and maplibre-gl are one chunk of their own).
// No external style, tiles or glyph server: the style is built here from the API's GeoJSON,
// labels are drawn by the browser with the bundled Vazirmatn font (style `font-faces`), so
// Persian names are shaped correctly and nothing is fetched from the internet.
import { useEffect, useRef, useState } from 'react';
import { Map as MapLibreMap, NavigationControl, ScaleControl, AttributionControl, Popup, setWorkerUrl, type StyleSpecification, type GeoJSONSource, type MapMouseEvent, type MapGeoJSONFeature } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import fontUrl from 'vazirmatn/fonts/webfonts/Vazirmatn-Medium.woff2?url';
import type { Locale, PointOfEntry } from '../../../app/types.ts';
import { KIND_COLOURS } from '../api.ts';
import { bounds, labelPoint, type Geometry } from './geometry.ts';

setWorkerUrl(new URL(workerUrl, location.href).href);

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: Record<string, any>; geometry: Geometry }[];
}

export interface MapCanvasProps {
  provinces: FeatureCollection;
  countries: FeatureCollection;
  pointsOfEntry: PointOfEntry[];
  locale: Locale;
  selectedProvince: string | null;
  selectedPoe: string | null;
  hiddenKinds: string[];
  label: string;
  labels: { kind: (k: string) => string; province: (code: string) => string; neighbour: (iso3: string | null) => string; details: string; noWebgl: string };
  onSelectProvince: (code: string | null) => void;
  onOpenPoe: (id: string) => void;
}

const IRAN_BOUNDS: [[number, number], [number, number]] = [
  [44.0, 25.0],
  [63.4, 39.8],
];

function pointsFrom(fc: FeatureCollection, keep: (p: Record<string, any>) => boolean): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: fc.features
      .filter((f) => keep(f.properties))
      .map((f) => ({ type: 'Feature' as const, properties: f.properties, geometry: { type: 'Point', coordinates: labelPoint(f.geometry) ?? [0, 0] } })),
  };
}

function poeCollection(rows: PointOfEntry[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: rows.map((p) => ({ type: 'Feature', properties: { id: p.id, name_en: p.name_en, name_fa: p.name_fa, kind: p.kind }, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } })),
  };
}

function buildStyle(props: MapCanvasProps): StyleSpecification {
  const nameKey = props.locale === 'fa' ? 'name_fa' : 'name_en';
  const kindColour: any = ['match', ['get', 'kind'], ...Object.entries(KIND_COLOURS).flat(), '#555555'];
  return {
    version: 8,
    name: 'marz-places',
    // No `glyphs`: text is drawn locally. `sans-serif` is mapped to the bundled Vazirmatn.
    'font-faces': { 'sans-serif': new URL(fontUrl, location.href).href },
    sources: {
      countries: { type: 'geojson', data: props.countries as any, attribution: 'Natural Earth' },
      provinces: { type: 'geojson', data: props.provinces as any, attribution: 'Natural Earth' },
      'province-labels': { type: 'geojson', data: pointsFrom(props.provinces, () => true) as any },
      'country-labels': { type: 'geojson', data: pointsFrom(props.countries, (p) => p.iso3 !== 'IRN' && p.iso3 !== 'RUS' && p.iso3 !== 'KAZ') as any },
      crossings: { type: 'geojson', data: poeCollection(props.pointsOfEntry) as any },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#cfe3ec' } },
      {
        id: 'countries-fill',
        type: 'fill',
        source: 'countries',
        paint: { 'fill-color': ['case', ['==', ['get', 'iso3'], 'IRN'], '#fbfaf7', '#e4ded2'] },
      },
      { id: 'countries-line', type: 'line', source: 'countries', paint: { 'line-color': '#8c8475', 'line-width': 1 } },
      {
        id: 'province-selected',
        type: 'fill',
        source: 'provinces',
        filter: ['==', ['get', 'iso_3166_2'], props.selectedProvince ?? ''],
        paint: { 'fill-color': '#fcd34d', 'fill-opacity': 0.55 },
      },
      { id: 'provinces-fill', type: 'fill', source: 'provinces', paint: { 'fill-color': '#000000', 'fill-opacity': 0 } },
      { id: 'provinces-line', type: 'line', source: 'provinces', paint: { 'line-color': '#5b7780', 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.6, 8, 1.4] } },
      {
        id: 'country-labels',
        type: 'symbol',
        source: 'country-labels',
        layout: { 'text-field': ['get', nameKey], 'text-font': ['sans-serif'], 'text-size': 13, 'text-max-width': 8 },
        paint: { 'text-color': '#6b6355', 'text-halo-color': '#f3efe7', 'text-halo-width': 1.5 },
      },
      {
        id: 'province-labels',
        type: 'symbol',
        source: 'province-labels',
        layout: {
          'text-field': ['get', nameKey],
          'text-font': ['sans-serif'],
          'text-size': ['interpolate', ['linear'], ['zoom'], 4, 10, 7, 14],
          'text-max-width': 7,
          'text-padding': 2,
        },
        paint: { 'text-color': '#1f3a40', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
      },
      {
        id: 'crossings',
        type: 'circle',
        source: 'crossings',
        filter: props.hiddenKinds.length ? ['!', ['in', ['get', 'kind'], ['literal', props.hiddenKinds]]] : true,
        paint: {
          'circle-color': kindColour,
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 4, 4.5, 8, 8],
          'circle-stroke-color': ['case', ['==', ['get', 'id'], props.selectedPoe ?? ''], '#111111', '#ffffff'],
          'circle-stroke-width': ['case', ['==', ['get', 'id'], props.selectedPoe ?? ''], 3, 1.5],
        },
      },
    ],
  };
}

export default function MapCanvas(props: MapCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const popupRef = useRef<Popup | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const [failed, setFailed] = useState<string | null>(null);

  const distinctProvinces = new Set(props.provinces.features.map((f) => f.properties.iso_3166_2)).size;

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
        fitBoundsOptions: { padding: 16 },
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
    const rtl = props.locale === 'fa';
    map.addControl(new NavigationControl({ showCompass: false }), rtl ? 'top-left' : 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), rtl ? 'bottom-right' : 'bottom-left');
    map.addControl(new AttributionControl({ compact: true }), rtl ? 'bottom-left' : 'bottom-right');

    const markLoaded = () => {
      if (map.getSource('provinces') && map.isSourceLoaded('provinces')) el.setAttribute('data-provinces', String(distinctProvinces));
    };
    map.on('sourcedata', (e) => {
      if (e.sourceId === 'provinces' && e.isSourceLoaded) markLoaded();
    });
    map.on('load', markLoaded);
    map.on('idle', markLoaded);
    map.on('error', (e) => console.warn('map:', e.error?.message ?? e));

    map.on('mouseenter', 'crossings', () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', 'crossings', () => (map.getCanvas().style.cursor = ''));
    map.on('click', (e: MapMouseEvent) => {
      const hits = map.queryRenderedFeatures(e.point, { layers: ['crossings'] });
      if (hits.length) {
        showPopup(hits[0]!);
        return;
      }
      const prov = map.queryRenderedFeatures(e.point, { layers: ['provinces-fill'] });
      latest.current.onSelectProvince(prov.length ? String(prov[0]!.properties.iso_3166_2) : null);
    });

    function showPopup(f: MapGeoJSONFeature) {
      const p = latest.current;
      const poe = p.pointsOfEntry.find((x) => x.id === f.properties.id);
      if (!poe) return;
      popupRef.current?.remove();
      const box = document.createElement('div');
      box.className = 'map-popup';
      box.dir = p.locale === 'fa' ? 'rtl' : 'ltr';
      box.lang = p.locale;
      const h = document.createElement('h3');
      h.textContent = p.locale === 'fa' ? poe.name_fa : poe.name_en;
      box.append(h);
      const add = (text: string) => {
        if (!text) return;
        const line = document.createElement('p');
        line.textContent = text;
        box.append(line);
      };
      add(p.labels.kind(poe.kind));
      add(p.labels.province(poe.province_code));
      add([p.labels.neighbour(poe.neighbour_iso3), poe.other_side].filter(Boolean).join(' — '));
      const link = document.createElement('a');
      link.href = `/places/points-of-entry/${poe.id}`;
      link.textContent = p.labels.details;
      link.addEventListener('click', (ev) => {
        ev.preventDefault();
        latest.current.onOpenPoe(poe.id);
      });
      box.append(link);
      popupRef.current = new Popup({ closeButton: true, maxWidth: '260px', focusAfterOpen: true }).setLngLat([poe.lon, poe.lat]).setDOMContent(box).addTo(map);
    }
    (map as any).__showPoe = (id: string) => {
      const poe = latest.current.pointsOfEntry.find((x) => x.id === id);
      if (!poe) return;
      map.flyTo({ center: [poe.lon, poe.lat], zoom: Math.max(map.getZoom(), 7) });
      const fake = { properties: { id } } as unknown as MapGeoJSONFeature;
      showPopup(fake);
    };

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

  // Language: label field (and control positions stay as created).
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      const key = props.locale === 'fa' ? 'name_fa' : 'name_en';
      map.setLayoutProperty('province-labels', 'text-field', ['get', key]);
      map.setLayoutProperty('country-labels', 'text-field', ['get', key]);
    };
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
    popupRef.current?.remove();
  }, [props.locale]);

  // Selected province: highlight and fit it.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      map.setFilter('province-selected', ['==', ['get', 'iso_3166_2'], props.selectedProvince ?? '']);
      if (props.selectedProvince) {
        const f = props.provinces.features.find((x) => x.properties.iso_3166_2 === props.selectedProvince);
        const b = f && bounds(f.geometry);
        if (b) map.fitBounds(b, { padding: 40, maxZoom: 8, duration: 600 });
      }
    };
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
  }, [props.selectedProvince, props.provinces]);

  // Selected point of entry: open its popup.
  useEffect(() => {
    const map = mapRef.current as any;
    if (!map || !props.selectedPoe) return;
    const apply = () => map.__showPoe?.(props.selectedPoe);
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
  }, [props.selectedPoe]);

  // Kinds shown, and data refreshed after corrections.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      map.setFilter('crossings', props.hiddenKinds.length ? ['!', ['in', ['get', 'kind'], ['literal', props.hiddenKinds]]] : null);
      (map.getSource('crossings') as GeoJSONSource | undefined)?.setData(poeCollection(props.pointsOfEntry) as any);
      map.setPaintProperty('crossings', 'circle-stroke-color', ['case', ['==', ['get', 'id'], props.selectedPoe ?? ''], '#111111', '#ffffff']);
      map.setPaintProperty('crossings', 'circle-stroke-width', ['case', ['==', ['get', 'id'], props.selectedPoe ?? ''], 3, 1.5]);
    };
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
  }, [props.hiddenKinds, props.pointsOfEntry, props.selectedPoe]);

  return (
    <div className="map-frame">
      <div ref={container} className="map" data-testid="map" role="region" aria-label={props.label} />
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
