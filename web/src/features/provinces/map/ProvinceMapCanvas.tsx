// The provinces map (loaded lazily with maplibre-gl): provinces shaded by a figure, and, for
// internal mobility, origin–destination lines between provincial capitals, wider for more people.
import { useEffect, useRef } from 'react';
import type { GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import type { Locale } from '../../../app/types.ts';
import { baseStyle, clickable, setLabelLanguage, useBaseMap, whenLoaded } from '../../../components/map/baseMap.ts';
import type { FeatureCollection } from '../../../components/map/geo.ts';
import { MapFrame } from '../../../components/map/MapFrame.tsx';

export interface OdLine {
  from: [number, number];
  to: [number, number];
  value: number;
}

export interface ProvinceMapProps {
  provinces: FeatureCollection;
  countries: FeatureCollection;
  /** The figure of each province (by ISO code); provinces without one stay unshaded. */
  values: Record<string, number | null>;
  lines?: OdLine[];
  locale: Locale;
  label: string;
  noWebgl: string;
  testId: string;
  onSelect?: (code: string) => void;
}

function shaded(fc: FeatureCollection, values: Record<string, number | null>): FeatureCollection {
  const max = Math.max(1, ...Object.values(values).map((v) => Math.abs(v ?? 0)));
  return { ...fc, features: fc.features.map((f) => ({ ...f, properties: { ...f.properties, share: values[f.properties.iso_3166_2] == null ? -1 : Math.abs(values[f.properties.iso_3166_2]!) / max } })) };
}
function lineCollection(lines: OdLine[]): FeatureCollection {
  const max = Math.max(1, ...lines.map((l) => l.value));
  return { type: 'FeatureCollection', features: lines.map((l) => ({ type: 'Feature', properties: { share: l.value / max }, geometry: { type: 'LineString', coordinates: [l.from, l.to] } as any })) };
}

export default function ProvinceMapCanvas(props: ProvinceMapProps) {
  const latest = useRef(props);
  latest.current = props;
  const { container, mapRef, failed } = useBaseMap({
    style: () =>
      baseStyle({
        name: 'marz-provinces',
        locale: props.locale,
        provinces: props.provinces,
        countries: props.countries,
        selectedProvince: null,
        selectedOpacity: 0,
        provinceLabels: { size: [9, 13], colour: '#1f3a40', haloWidth: 1.4 },
        sources: { shaded: { type: 'geojson', data: shaded(props.provinces, props.values) as any }, od: { type: 'geojson', data: lineCollection(props.lines ?? []) as any } },
        layers: [
          { id: 'shade', type: 'fill', source: 'shaded', filter: ['>=', ['get', 'share'], 0], paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'share'], 0, '#eef6f8', 1, '#1f6f8b'], 'fill-opacity': 0.75 } },
          { id: 'od', type: 'line', source: 'od', layout: { 'line-cap': 'round' }, paint: { 'line-color': '#b45309', 'line-opacity': 0.75, 'line-width': ['interpolate', ['linear'], ['get', 'share'], 0, 1, 1, 9] } },
        ],
      }),
    locale: props.locale,
    padding: 16,
    setup(map, el) {
      map.on('idle', () => el.setAttribute('data-shaded', String(Object.keys(latest.current.values).length)));
      clickable(map, 'provinces-fill');
      map.on('click', (e: MapMouseEvent) => {
        const hit = map.queryRenderedFeatures(e.point, { layers: ['provinces-fill'] });
        if (hit.length) latest.current.onSelect?.(String(hit[0]!.properties.iso_3166_2));
      });
    },
  });
  useEffect(() => {
    whenLoaded(mapRef.current, (map) => {
      (map.getSource('shaded') as GeoJSONSource | undefined)?.setData(shaded(props.provinces, props.values) as any);
      (map.getSource('od') as GeoJSONSource | undefined)?.setData(lineCollection(props.lines ?? []) as any);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.values, props.lines, props.provinces]);
  useEffect(() => {
    whenLoaded(mapRef.current, (map) => setLabelLanguage(map, props.locale));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.locale]);
  return <MapFrame container={container} failed={failed} testId={props.testId} label={props.label} noWebgl={props.noWebgl} />;
}
