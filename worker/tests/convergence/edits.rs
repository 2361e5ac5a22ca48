//! What the officers do on their phones: create, edit and delete activities.

use super::world::World;
use gugus_model::regions;
use rand::Rng;
use serde_json::{json, Map, Value};

impl World {
    pub(crate) fn create(&mut self, d: usize) {
        let id = uuid::Builder::from_random_bytes(self.rng.gen()).into_uuid();
        let kecamatan: Vec<_> = regions::kecamatan().collect();
        let kecamatan = &kecamatan[self.rng.gen_range(0..kecamatan.len())].code;
        let desa = regions::villages_of(kecamatan)
            .next()
            .map(|v| v.code.clone())
            .unwrap_or_default();
        let fields = json!({
            "type": "outreach", "date": "2025-07-01", "kecamatan": kecamatan, "desa": desa,
            "venue": "Balai desa", "audience": ["public"], "topics": ["safe_migration"],
            "participants_female_adult": 1, "participants_male_adult": 1,
            "participants_female_child": 0, "participants_male_child": 0,
        });
        let fields = fields.as_object().cloned().unwrap_or_default();
        let at = self.at();
        let made = self.devices[d]
            .state
            .save("activity", &id.to_string(), fields, &at);
        self.trace.push(format!("   create {id} -> {made:?}"));
    }

    pub(crate) fn edit(&mut self, d: usize) {
        let Some((id, mut fields)) = self.pick_visible(d) else {
            return;
        };
        for _ in 0..self.rng.gen_range(1..=2) {
            let (name, value) = match self.rng.gen_range(0..4) {
                0 => (
                    "venue",
                    json!(["Balai desa", "Masjid", "Sekolah"][self.rng.gen_range(0..3)]),
                ),
                1 => ("notes", json!(["", "a", "b"][self.rng.gen_range(0..3)])),
                2 => ("participants_male_adult", json!(self.rng.gen_range(1..4))),
                _ => ("participants_female_child", json!(self.rng.gen_range(0..3))),
            };
            fields.insert(name.into(), value);
        }
        let at = self.at();
        let made = self.devices[d]
            .state
            .save("activity", &id, fields.clone(), &at);
        self.trace.push(format!(
            "   edit {id} {} -> {made:?}",
            Value::Object(fields)
        ));
    }

    pub(crate) fn delete(&mut self, d: usize) {
        let Some((id, _)) = self.pick_visible(d) else {
            return;
        };
        let at = self.at();
        let made = self.devices[d].state.delete(&id, &at);
        self.trace.push(format!("   delete {id} -> {made:?}"));
    }

    pub(crate) fn pick_visible(&mut self, d: usize) -> Option<(String, Map<String, Value>)> {
        let visible = self.devices[d].state.visible();
        if visible.is_empty() {
            return None;
        }
        let n = self.rng.gen_range(0..visible.len());
        visible.into_iter().nth(n)
    }

    pub(crate) fn at(&mut self) -> String {
        format!("2026-11-29T03:{:02}:00Z", self.trace.len() % 60)
    }
}
