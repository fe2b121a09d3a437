// The map of provinces, neighbours and points of entry (loaded lazily: this module and
// maplibre-gl are one chunk of their own). The base — style from the API's GeoJSON, labels in
// the bundled Vazirmatn font, controls — is components/map/baseMap.ts; here are the points of
// entry, the province selection and their popups.
import { useEffect, useRef } from 'react';
import type { GeoJSONSource, MapGeoJSONFeature, MapMouseEvent } from 'maplibre-gl';
import type { Locale, PointOfEntry } from '../../../app/types.ts';
import { baseStyle, clickable, provinceFilter, setLabelLanguage, useBaseMap, whenLoaded, type MapLibreMap } from '../../../components/map/baseMap.ts';
import type { FeatureCollection } from '../../../components/map/geo.ts';
import { bounds } from '../../../components/map/geometry.ts';
import { MapFrame } from '../../../components/map/MapFrame.tsx';
import { KIND_COLOURS } from '../api.ts';

export type { FeatureCollection };

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

function poeCollection(rows: PointOfEntry[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: rows.map((p) => ({ type: 'Feature', properties: { id: p.id, name_en: p.name_en, name_fa: p.name_fa, kind: p.kind }, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } })),
  };
}

const kindFilter = (hidden: string[]): any => (hidden.length ? ['!', ['in', ['get', 'kind'], ['literal', hidden]]] : null);
const strokeColour = (poe: string | null): any => ['case', ['==', ['get', 'id'], poe ?? ''], '#111111', '#ffffff'];
const strokeWidth = (poe: string | null): any => ['case', ['==', ['get', 'id'], poe ?? ''], 3, 1.5];

function buildStyle(props: MapCanvasProps) {
  const kindColour: any = ['match', ['get', 'kind'], ...Object.entries(KIND_COLOURS).flat(), '#555555'];
  return baseStyle({
    name: 'marz-places',
    locale: props.locale,
    provinces: props.provinces,
    countries: props.countries,
    selectedProvince: props.selectedProvince,
    selectedOpacity: 0.55,
    provinceLabels: { size: [10, 14], colour: '#1f3a40', haloWidth: 1.4 },
    countryLabels: true,
    sources: { crossings: { type: 'geojson', data: poeCollection(props.pointsOfEntry) as any } },
    layers: [
      {
        id: 'crossings',
        type: 'circle',
        source: 'crossings',
        filter: kindFilter(props.hiddenKinds) ?? true,
        paint: {
          'circle-color': kindColour,
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 4, 4.5, 8, 8],
          'circle-stroke-color': strokeColour(props.selectedPoe),
          'circle-stroke-width': strokeWidth(props.selectedPoe),
        },
      },
    ],
  });
}

export default function MapCanvas(props: MapCanvasProps) {
  const latest = useRef(props);
  latest.current = props;
  const distinctProvinces = new Set(props.provinces.features.map((f) => f.properties.iso_3166_2)).size;

  const { container, mapRef, failed, openPopup, closePopup } = useBaseMap({
    style: () => buildStyle(props),
    locale: props.locale,
    padding: 16,
    setup(map, el) {
      // Tells the page (and the browser tests) that the provinces are drawn.
      const markLoaded = () => {
        if (map.getSource('provinces') && map.isSourceLoaded('provinces')) el.setAttribute('data-provinces', String(distinctProvinces));
      };
      map.on('sourcedata', (e) => {
        if (e.sourceId === 'provinces' && e.isSourceLoaded) markLoaded();
      });
      map.on('load', markLoaded);
      map.on('idle', markLoaded);

      clickable(map, 'crossings');
      map.on('click', (e: MapMouseEvent) => {
        const hits = map.queryRenderedFeatures(e.point, { layers: ['crossings'] });
        if (hits.length) {
          showPoe(map, hits[0]!);
          return;
        }
        const prov = map.queryRenderedFeatures(e.point, { layers: ['provinces-fill'] });
        latest.current.onSelectProvince(prov.length ? String(prov[0]!.properties.iso_3166_2) : null);
      });
      (map as any).__showPoe = (id: string) => {
        const poe = latest.current.pointsOfEntry.find((x) => x.id === id);
        if (!poe) return;
        map.flyTo({ center: [poe.lon, poe.lat], zoom: Math.max(map.getZoom(), 7) });
        showPoe(map, { properties: { id } } as unknown as MapGeoJSONFeature);
      };
    },
  });

  function showPoe(map: MapLibreMap, f: MapGeoJSONFeature) {
    const p = latest.current;
    const poe = p.pointsOfEntry.find((x) => x.id === f.properties.id);
    if (!poe) return;
    openPopup(map, {
      locale: p.locale,
      at: [poe.lon, poe.lat],
      title: p.locale === 'fa' ? poe.name_fa : poe.name_en,
      lines: [p.labels.kind(poe.kind), p.labels.province(poe.province_code), [p.labels.neighbour(poe.neighbour_iso3), poe.other_side].filter(Boolean).join(' — ')],
      link: { text: p.labels.details, href: `/places/points-of-entry/${poe.id}`, go: () => latest.current.onOpenPoe(poe.id) },
    });
  }

  // Language: label field (and control positions stay as created).
  useEffect(() => {
    whenLoaded(mapRef.current, (map) => setLabelLanguage(map, props.locale));
    closePopup();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.locale]);

  // Selected province: highlight and fit it.
  useEffect(() => {
    whenLoaded(mapRef.current, (map) => {
      map.setFilter('province-selected', provinceFilter(props.selectedProvince));
      if (props.selectedProvince) {
        const f = props.provinces.features.find((x) => x.properties.iso_3166_2 === props.selectedProvince);
        const b = f && bounds(f.geometry);
        if (b) map.fitBounds(b, { padding: 40, maxZoom: 8, duration: 600 });
      }
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.selectedProvince, props.provinces]);

  // Selected point of entry: open its popup.
  useEffect(() => {
    if (!props.selectedPoe) return;
    whenLoaded(mapRef.current, (map) => (map as any).__showPoe?.(props.selectedPoe));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.selectedPoe]);

  // Kinds shown, and data refreshed after corrections.
  useEffect(() => {
    whenLoaded(mapRef.current, (map) => {
      map.setFilter('crossings', kindFilter(props.hiddenKinds));
      (map.getSource('crossings') as GeoJSONSource | undefined)?.setData(poeCollection(props.pointsOfEntry) as any);
      map.setPaintProperty('crossings', 'circle-stroke-color', strokeColour(props.selectedPoe));
      map.setPaintProperty('crossings', 'circle-stroke-width', strokeWidth(props.selectedPoe));
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.hiddenKinds, props.pointsOfEntry, props.selectedPoe]);

  return <MapFrame container={container} failed={failed} testId="map" label={props.label} noWebgl={props.labels.noWebgl} />;
}
