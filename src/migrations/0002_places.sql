-- Places: provinces, neighbouring states, points of entry and flow monitoring points (FMPs).
-- Seeded from src/places/data/iran-geo.json; every row keeps its source.

CREATE TABLE provinces (
  code                text PRIMARY KEY CHECK (code ~ '^IR-[0-9]{2}$'),   -- ISO 3166-2:IR since 2020-11-24
  code_before_2020    text NOT NULL,
  hasc                text NOT NULL,
  name_en             text NOT NULL,
  name_fa             text NOT NULL,
  capital_en          text NOT NULL,
  capital_fa          text NOT NULL,
  capital_lat         double precision,
  capital_lon         double precision,
  land_border_with    text[] NOT NULL DEFAULT '{}',
  coastline           text[] NOT NULL DEFAULT '{}',
  source              jsonb NOT NULL
);

CREATE TABLE countries (
  iso3            text PRIMARY KEY CHECK (iso3 ~ '^[A-Z]{3}$'),
  iso2            text NOT NULL,
  m49             text NOT NULL,
  name_en         text NOT NULL,
  name_fa         text NOT NULL,
  relation        text NOT NULL,          -- land | maritime | caspian
  land_border_km  numeric,
  provinces       text[] NOT NULL DEFAULT '{}',
  source          jsonb NOT NULL
);

CREATE TABLE points_of_entry (
  id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]*$'),
  name_en         text NOT NULL,
  name_fa         text NOT NULL,
  kind            text NOT NULL,          -- land-road | land-road+rail | air | sea
  province_code   text NOT NULL REFERENCES provinces(code),
  neighbour_iso3  text REFERENCES countries(iso3),
  other_side      text,
  lat             double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon             double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  confidence      text,
  coord_method    text,
  notes           text,
  source          jsonb NOT NULL,
  updated_by      uuid REFERENCES users(id),
  updated_at      timestamptz
);

-- A flow monitoring point belongs to a point of entry or to a place in a province.
CREATE TABLE fmps (
  code            text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_-]*$'),
  name_en         text NOT NULL,
  name_fa         text NOT NULL,
  point_of_entry_id text REFERENCES points_of_entry(id),
  province_code   text NOT NULL REFERENCES provinces(code),
  lat             double precision CHECK (lat BETWEEN -90 AND 90),
  lon             double precision CHECK (lon BETWEEN -180 AND 180),
  opened_on       date,
  closed_on       date CHECK (closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fmps_province ON fmps (province_code);
