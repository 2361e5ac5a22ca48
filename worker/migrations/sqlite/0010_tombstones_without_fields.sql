-- A deleted record keeps no field (issue #14): tombstones stored before the merge rule
-- cleared them lose their fields now. (0009, the trail's REPLACE guard, is SQLite's only.)
UPDATE records SET fields = '{}', field_versions = '{}' WHERE deleted = 1;
