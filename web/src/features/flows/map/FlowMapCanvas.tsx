// The map of flow monitoring points sized by movements (MapLibre, loaded lazily: this module
// and maplibre-gl are a chunk of their own, shared with the places map). The base — style from
// the API's GeoJSON, labels in the bundled Vazirmatn font, controls — is the places map's too
// (components/map/baseMap.ts); here are the FMP circles, their labels and popups.
import { useEffect, useRef } from 'react';
import type { ExpressionSpecification, GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import type { Locale } from '../../../app/types.ts';
import { baseStyle, clickable, nameField, provinceFilter, setLabelLanguage, useBaseMap, whenLoaded } from '../../../components/map/baseMap.ts';
import type { FeatureCollection } from '../../../components/map/geo.ts';
import { bounds } from '../../../components/map/geometry.ts';
import { MapFrame } from '../../../components/map/MapFrame.tsx';
import type { MapRow } from '../api.ts';

export type { FeatureCollection };

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

const MAX_RADIUS = 26;
const FMP_LABELS = ['fmp-labels', 'fmp-labels-quiet'];

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

function buildStyle(p: FlowMapCanvasProps) {
  const name = nameField(p.locale);
  return baseStyle({
    name: 'marz-flows',
    locale: p.locale,
    provinces: p.provinces,
    countries: p.countries,
    selectedProvince: p.province,
    selectedOpacity: 0.45,
    provinceLabels: { size: [9, 13], colour: '#4b5f66', haloWidth: 1.2 },
    sources: { fmps: { type: 'geojson', data: fmpCollection(p.rows) as any } },
    layers: [
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
          'text-field': name,
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
        layout: { 'text-field': name, 'text-font': ['sans-serif'], 'text-size': 11, 'text-variable-anchor': ['top', 'bottom', 'left', 'right'], 'text-radial-offset': 0.7, 'text-optional': true },
        paint: { 'text-color': '#52525b', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
    ],
  });
}

export default function FlowMapCanvas(props: FlowMapCanvasProps) {
  const latest = useRef(props);
  latest.current = props;

  const { container, mapRef, failed, openPopup, closePopup } = useBaseMap({
    style: () => buildStyle(props),
    locale: props.locale,
    padding: 12,
    setup(map, el) {
      const ready = () => {
        if (map.getSource('fmps') && map.isSourceLoaded('fmps')) el.setAttribute('data-fmps', String(fmpCollection(latest.current.rows).features.length));
      };
      map.on('idle', ready);
      clickable(map, 'fmps');
      map.on('click', (e: MapMouseEvent) => {
        const p = latest.current;
        const hit = map.queryRenderedFeatures(e.point, { layers: ['fmps'] })[0];
        if (hit) {
          const row = p.rows.find((r) => r.fmp === hit.properties.fmp);
          if (!row) return;
          openPopup(map, {
            locale: p.locale,
            at: [Number(row.lon), Number(row.lat)],
            title: p.locale === 'fa' ? row.name_fa || row.name_en : row.name_en || row.name_fa,
            lines: p.labels.fmpLines(row),
            link: { text: p.labels.openFmp, href: '#', go: () => latest.current.onOpenFmp(row.fmp) },
          });
          return;
        }
        const prov = map.queryRenderedFeatures(e.point, { layers: ['provinces-fill'] })[0];
        if (prov) {
          const code = String(prov.properties.iso_3166_2);
          const open = p.onOpenProvince;
          openPopup(map, {
            locale: p.locale,
            at: [e.lngLat.lng, e.lngLat.lat],
            title: p.labels.provinceName(code),
            lines: p.labels.provinceLines(code),
            link: open ? { text: p.labels.openProvince, href: '#', go: () => open(code) } : null,
          });
        } else closePopup();
      });
    },
  });

  // Language of the labels.
  useEffect(() => {
    whenLoaded(mapRef.current, (map) => setLabelLanguage(map, props.locale, FMP_LABELS));
    closePopup();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.locale]);

  // New figures (filters changed).
  useEffect(() => {
    whenLoaded(mapRef.current, (map) => {
      (map.getSource('fmps') as GeoJSONSource | undefined)?.setData(fmpCollection(props.rows) as any);
      map.setPaintProperty('fmps', 'circle-radius', radius(props.rows));
      map.setLayoutProperty('fmp-labels', 'text-radial-offset', labelOffset(props.rows));
    });
    closePopup();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.rows]);

  // Highlight and fit the province or the FMP.
  useEffect(() => {
    whenLoaded(mapRef.current, (map) => {
      map.setFilter('province-selected', provinceFilter(props.province));
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

  return <MapFrame container={container} failed={failed} className="flows-map-frame" testId="flows-map" label={props.label} noWebgl={props.labels.noWebgl} />;
}
