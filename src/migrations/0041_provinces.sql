-- Provinces: provincial needs assessments (per province and round) and internal mobility
-- (province-to-province movements per round, DTM mobility-tracking style).
-- PostgreSQL 15 compatible.

CREATE TABLE province_needs (
  id                     bigserial PRIMARY KEY,
  province_code          text NOT NULL REFERENCES provinces(code),
  round_no               integer NOT NULL CHECK (round_no >= 1),
  theme                  text NOT NULL CHECK (theme IN ('border_infrastructure', 'reception_capacity', 'protection_services', 'health_at_poe', 'data', 'coordination', 'training')),
  title                  text NOT NULL CHECK (title <> ''),
  priority               text NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
  evidence               text NOT NULL DEFAULT '',
  responsible_agency_id  bigint REFERENCES agencies(id),
  status                 text NOT NULL DEFAULT 'identified' CHECK (status IN ('identified', 'planned', 'in_progress', 'met', 'dropped')),
  previous_need_id       bigint REFERENCES province_needs(id),   -- the same need in the previous round
  exercise_item_ids      bigint[] NOT NULL DEFAULT '{}',          -- exercise_improvement_items(id)
  governance_links       jsonb NOT NULL DEFAULT '[]',             -- [{framework, code}] governance gaps / GCM objectives
  created_by             uuid REFERENCES users(id),
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX province_needs_province ON province_needs (province_code, round_no);

CREATE TABLE mobility_rounds (
  id         bigserial PRIMARY KEY,
  round_no   integer NOT NULL UNIQUE CHECK (round_no >= 1),
  starts_on  date,
  ends_on    date CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
  label      text NOT NULL DEFAULT ''
);

-- One origin–destination pair of a round: individuals who moved from one province (county)
-- to another; kind 'return' for people going back to their home area.
CREATE TABLE mobility_movements (
  id                    bigserial PRIMARY KEY,
  round_id              bigint NOT NULL REFERENCES mobility_rounds(id) ON DELETE CASCADE,
  origin_province       text NOT NULL REFERENCES provinces(code),
  origin_county         text NOT NULL DEFAULT '',
  destination_province  text NOT NULL REFERENCES provinces(code),
  destination_county    text NOT NULL DEFAULT '',
  kind                  text NOT NULL DEFAULT 'movement' CHECK (kind IN ('movement', 'return')),
  individuals           integer NOT NULL CHECK (individuals >= 0),
  households            integer CHECK (households >= 0),
  source                text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import')),
  created_by            uuid REFERENCES users(id),
  created_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (round_id, origin_province, origin_county, destination_province, destination_county, kind),
  CHECK (origin_province <> destination_province OR origin_county <> destination_county)
);
CREATE INDEX mobility_movements_origin ON mobility_movements (origin_province, round_id);
CREATE INDEX mobility_movements_destination ON mobility_movements (destination_province, round_id);
