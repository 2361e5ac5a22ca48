//! Groups of kecamatan that a supervisor sets (the regency's planning zones, say) so that
//! viewers can compare areas larger than one kecamatan, whose figures are mostly hidden.
//!
//! A group's figures are the sums of its kecamatan's, suppressed with them (see
//! [`super::suppress`]). Groups never overlap: two overlapping groups would differ by the
//! kecamatan only one of them holds, a figure no single sum hides. Each holds at least two
//! kecamatan, since a group of one is that kecamatan under another name.

use super::kecamatan_codes;
use crate::lang::Lang;
use crate::regions;
use serde::{Deserialize, Serialize};

/// How an evaluation's `area` names a group: `kelompok:` and the group's id.
pub const GROUP_PREFIX: &str = "kelompok:";

/// The longest name of a group, in characters.
pub const MAX_GROUP_NAME: usize = 40;

/// A group of kecamatan, as stored and answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaGroup {
    /// Made from the name: lower-case letters, digits and dashes (`zona-utara`).
    pub id: String,
    /// As the supervisor wrote it (`Zona Utara`).
    pub name: String,
    /// Its kecamatan's codes, in code order.
    pub kecamatan: Vec<String>,
}

impl AreaGroup {
    /// The evaluation's `area` for this group: `kelompok:zona-utara`.
    pub fn area(&self) -> String {
        format!("{GROUP_PREFIX}{}", self.id)
    }

    /// Whether the kecamatan `code` is in the group.
    pub fn holds(&self, code: &str) -> bool {
        self.kecamatan.iter().any(|k| k == code)
    }
}

/// A group as a supervisor writes it: `PUT /api/v1/area-groups` takes a list of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupDraft {
    /// The group's name.
    pub name: String,
    /// Its kecamatan's codes, in any order.
    pub kecamatan: Vec<String>,
}

/// The body of `PUT /api/v1/area-groups`, and the answer of both verbs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupList<T> {
    /// The groups, in the order they are shown.
    pub groups: Vec<T>,
}

/// Why a list of groups was refused; `group` counts from 1, as a person reads the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupError {
    /// A group without a name.
    NoName { group: usize },
    /// A name longer than [`MAX_GROUP_NAME`].
    LongName { group: usize },
    /// A name with no letter or digit to make an id of.
    NameWithoutLetters { group: usize },
    /// Two groups whose names make the same id.
    SameName { group: usize, first: usize },
    /// A code that is not one of the regency's kecamatan.
    UnknownKecamatan { group: usize, code: String },
    /// A group with fewer than two kecamatan.
    TooFew { group: usize },
    /// A kecamatan in two groups (or twice in one).
    Overlap {
        group: usize,
        first: usize,
        code: String,
    },
}

impl GroupError {
    /// The reason in `lang`, naming the group and the kecamatan.
    pub fn message(&self, lang: Lang) -> String {
        let kecamatan = regions::name_of;
        match (self, lang) {
            (GroupError::NoName { group }, Lang::Id) => {
                format!("Kelompok {group} belum diberi nama.")
            }
            (GroupError::NoName { group }, Lang::En) => format!("Group {group} has no name."),
            (GroupError::LongName { group }, Lang::Id) => {
                format!("Nama kelompok {group} terlalu panjang (paling banyak {MAX_GROUP_NAME} huruf).")
            }
            (GroupError::LongName { group }, Lang::En) => {
                format!("Group {group}'s name is too long (at most {MAX_GROUP_NAME} characters).")
            }
            (GroupError::NameWithoutLetters { group }, Lang::Id) => {
                format!("Nama kelompok {group} harus memuat huruf atau angka.")
            }
            (GroupError::NameWithoutLetters { group }, Lang::En) => {
                format!("Group {group}'s name needs a letter or a digit.")
            }
            (GroupError::SameName { group, first }, Lang::Id) => {
                format!("Kelompok {group} bernama sama dengan kelompok {first}.")
            }
            (GroupError::SameName { group, first }, Lang::En) => {
                format!("Group {group} has the same name as group {first}.")
            }
            (GroupError::UnknownKecamatan { group, code }, Lang::Id) => {
                format!("Kelompok {group}: {code:?} bukan kecamatan di Kabupaten Purbalingga.")
            }
            (GroupError::UnknownKecamatan { group, code }, Lang::En) => {
                format!("Group {group}: {code:?} is not a kecamatan of the regency (33.03.01 to 33.03.18).")
            }
            (GroupError::TooFew { group }, Lang::Id) => {
                format!("Kelompok {group} harus berisi paling sedikit dua kecamatan.")
            }
            (GroupError::TooFew { group }, Lang::En) => {
                format!("Group {group} needs at least two kecamatan.")
            }
            (GroupError::Overlap { group, first, code }, Lang::Id) if group == first => format!(
                "Kecamatan {} tercantum dua kali di kelompok {group}.",
                kecamatan(code)
            ),
            (GroupError::Overlap { group, first, code }, Lang::En) if group == first => format!(
                "Kecamatan {} is listed twice in group {group}.",
                kecamatan(code)
            ),
            (GroupError::Overlap { first, code, .. }, Lang::Id) => format!(
                "Kecamatan {} sudah masuk kelompok {first}; satu kecamatan hanya boleh masuk satu kelompok.",
                kecamatan(code)
            ),
            (GroupError::Overlap { group: _, first, code }, Lang::En) => format!(
                "Kecamatan {} is already in group {first}; a kecamatan belongs to one group at most.",
                kecamatan(code)
            ),
        }
    }
}

impl std::fmt::Display for GroupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for GroupError {}

/// The id a name makes: its letters and digits in lower case, each run of anything else
/// one dash (`Zona  Utara (1)` → `zona-utara-1`).
pub fn group_id(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_owned()
}

/// Whether `area` has the form of a group's `area`: `kelompok:` and an id that a name
/// makes (which groups exist, only the worker knows).
pub fn names_a_group(area: &str) -> bool {
    area.strip_prefix(GROUP_PREFIX)
        .is_some_and(|id| !id.is_empty() && group_id(id) == id)
}

/// Checks a supervisor's list of groups; answers them as stored, or the first problem.
pub fn parse_groups(drafts: &[GroupDraft]) -> Result<Vec<AreaGroup>, GroupError> {
    let known = kecamatan_codes();
    let mut groups: Vec<AreaGroup> = Vec::with_capacity(drafts.len());
    // Each kecamatan seen so far → the group (from 1) holding it.
    let mut taken: Vec<(&str, usize)> = Vec::new();
    for (i, draft) in drafts.iter().enumerate() {
        let group = i + 1;
        let name = draft.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(GroupError::NoName { group });
        }
        if name.chars().count() > MAX_GROUP_NAME {
            return Err(GroupError::LongName { group });
        }
        let id = group_id(&name);
        if id.is_empty() {
            return Err(GroupError::NameWithoutLetters { group });
        }
        if let Some(first) = groups.iter().position(|g| g.id == id) {
            return Err(GroupError::SameName {
                group,
                first: first + 1,
            });
        }
        let mut kecamatan = Vec::with_capacity(draft.kecamatan.len());
        for code in &draft.kecamatan {
            let code = code.trim();
            let Some(&code) = known.iter().find(|k| **k == code) else {
                return Err(GroupError::UnknownKecamatan {
                    group,
                    code: code.to_owned(),
                });
            };
            if let Some(&(_, first)) = taken.iter().find(|(k, _)| *k == code) {
                return Err(GroupError::Overlap {
                    group,
                    first,
                    code: code.to_owned(),
                });
            }
            taken.push((code, group));
            kecamatan.push(code.to_owned());
        }
        if kecamatan.len() < 2 {
            return Err(GroupError::TooFew { group });
        }
        kecamatan.sort_unstable();
        groups.push(AreaGroup {
            id,
            name,
            kecamatan,
        });
    }
    Ok(groups)
}

/// Every list of groups a supervisor set, oldest first: the last is the one viewers
/// compare now; the earlier ones are never answered again, but a viewer may have kept
/// their figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AreaGroups {
    /// The lists, oldest first.
    pub lists: Vec<Vec<AreaGroup>>,
}

impl AreaGroups {
    /// The groups viewers compare now.
    pub fn current(&self) -> &[AreaGroup] {
        self.lists.last().map_or(&[], Vec::as_slice)
    }
}

/// A sum between areas that a reader can form: `whole` (an evaluation's `area`) is the sum
/// of `parts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaSum {
    /// The area that is the sum.
    pub whole: String,
    /// The areas it is the sum of.
    pub parts: Vec<String>,
}

/// What one list of groups brings into the suppression, after every list before it: the
/// areas that first come into play with it (its groups, and the atoms its groups and the
/// earlier ones cut the regency into) and the sums between areas it adds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stage {
    /// The `area` of each area new with this list.
    pub areas: Vec<String>,
    /// Each group is the sum of its kecamatan and of the atoms inside it, each atom the
    /// sum of its kecamatan, the regency the sum of the atoms.
    pub sums: Vec<AreaSum>,
}

/// The suppression's plan for every list ever set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The areas to assemble and suppress but never answer: earlier lists' groups and
    /// the atoms (each set of kecamatan once, under one `area`).
    pub hidden: Vec<AreaGroup>,
    /// One stage per list, oldest first.
    pub stages: Vec<Stage>,
}

/// The area of `group`'s set of kecamatan among `areas`.
fn area_at(areas: &[(Vec<String>, String)], group: &AreaGroup) -> String {
    let found = areas.iter().find(|(set, _)| *set == group.kecamatan);
    found.map(|(_, area)| area.clone()).unwrap_or_default()
}

/// The plan of `groups`. A viewer who kept the figures of an earlier list can subtract
/// them from the current ones (a retired group less a current one inside it is a sum of
/// kecamatan no single group is), so every list is tied through the atoms the lists so
/// far cut the regency into, and each list is settled after the ones before it, which it
/// may not take back (see [`super::Cells::hidden`]). Each set of kecamatan is one area:
/// a kecamatan's own code, the regency's, a current group's, or a hidden one's.
pub(crate) fn plan(groups: &AreaGroups) -> Plan {
    let mut plan = Plan::default();
    // Each set of kecamatan (in code order) and its area.
    let mut areas: Vec<(Vec<String>, String)> = kecamatan_codes()
        .into_iter()
        .map(|code| (vec![code.to_owned()], code.to_owned()))
        .collect();
    let regency: Vec<String> = kecamatan_codes().into_iter().map(str::to_owned).collect();
    areas.push((regency, super::REGENCY_CODE.to_owned()));
    for group in groups.current() {
        areas.push((group.kecamatan.clone(), group.area()));
    }
    // The areas in play so far, and the sums stated so far.
    let mut seen: Vec<String> = areas.iter().map(|(_, a)| a.clone()).collect();
    seen.retain(|a| !a.starts_with(GROUP_PREFIX));
    let mut stated: Vec<(String, Vec<String>)> = Vec::new();
    let mut so_far: Vec<&AreaGroup> = Vec::new();
    for (k, list) in groups.lists.iter().enumerate() {
        let mut stage = Stage::default();
        let mut area_of = |set: &[String], id: String, stage: &mut Stage| -> String {
            let area = match areas.iter().find(|(s, _)| s == set) {
                Some((_, area)) => area.clone(),
                None => {
                    let group = AreaGroup {
                        id,
                        name: String::new(),
                        kecamatan: set.to_vec(),
                    };
                    areas.push((set.to_vec(), group.area()));
                    plan.hidden.push(group.clone());
                    group.area()
                }
            };
            if !seen.contains(&area) {
                seen.push(area.clone());
                stage.areas.push(area.clone());
            }
            area
        };
        so_far.extend(list);
        // Not ids a name makes: no id made from a name has a `~`.
        for (i, group) in list.iter().enumerate() {
            area_of(&group.kecamatan, format!("~list-{k}-{i}"), &mut stage);
        }
        let mut atoms: Vec<(Vec<bool>, Vec<String>)> = Vec::new();
        for code in kecamatan_codes() {
            let held: Vec<bool> = so_far.iter().map(|g| g.holds(code)).collect();
            match atoms.iter_mut().find(|(key, _)| *key == held) {
                Some((_, members)) => members.push(code.to_owned()),
                None => atoms.push((held, vec![code.to_owned()])),
            }
        }
        let atoms: Vec<(Vec<String>, String)> = atoms
            .into_iter()
            .enumerate()
            .map(|(i, (_, set))| {
                let area = area_of(&set, format!("~atom-{k}-{i}"), &mut stage);
                (set, area)
            })
            .collect();
        let mut sums: Vec<(String, Vec<String>)> = Vec::new();
        for (set, area) in &atoms {
            sums.push((area.clone(), set.clone()));
        }
        for group in &so_far {
            let area = area_at(&areas, group);
            sums.push((area.clone(), group.kecamatan.clone()));
            let inside = atoms
                .iter()
                .filter(|(set, _)| set.iter().all(|k| group.holds(k)))
                .map(|(_, a)| a.clone())
                .collect();
            sums.push((area, inside));
        }
        sums.push((
            super::REGENCY_CODE.to_owned(),
            atoms.iter().map(|(_, a)| a.clone()).collect(),
        ));
        // And, for each list so far, the regency is the sum of its groups and the atoms
        // outside them, and of its groups and the kecamatan outside them (a reader adds a
        // list's groups up and subtracts).
        for earlier in &groups.lists[..=k] {
            let mut parts: Vec<String> = earlier.iter().map(|g| area_at(&areas, g)).collect();
            parts.extend(
                atoms
                    .iter()
                    .filter(|(set, _)| !earlier.iter().any(|g| g.holds(&set[0])))
                    .map(|(_, a)| a.clone()),
            );
            sums.push((super::REGENCY_CODE.to_owned(), parts));
            let mut parts: Vec<String> = earlier.iter().map(|g| area_at(&areas, g)).collect();
            parts.extend(
                kecamatan_codes()
                    .into_iter()
                    .filter(|k| !earlier.iter().any(|g| g.holds(k)))
                    .map(str::to_owned),
            );
            sums.push((super::REGENCY_CODE.to_owned(), parts));
        }
        for (whole, parts) in sums {
            let same = parts.len() == 1 && parts[0] == whole;
            if same || stated.iter().any(|(w, p)| *w == whole && *p == parts) {
                continue;
            }
            stated.push((whole.clone(), parts.clone()));
            stage.sums.push(AreaSum { whole, parts });
        }
        plan.stages.push(stage);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, kecamatan: &[&str]) -> GroupDraft {
        GroupDraft {
            name: name.into(),
            kecamatan: kecamatan.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    #[test]
    fn a_name_makes_an_id_of_its_letters_and_digits() {
        assert_eq!(group_id("Zona  Utara (1)"), "zona-utara-1");
        assert_eq!(group_id(" Wilayah Barat-Daya "), "wilayah-barat-daya");
        assert_eq!(group_id("—"), "");
        assert!(names_a_group("kelompok:zona-utara-1"));
        assert!(!names_a_group("kelompok:Zona&x=1"));
        assert!(!names_a_group("kelompok:"));
        assert!(!names_a_group("kelompok:~atom-0-1"));
    }

    #[test]
    fn groups_are_stored_tidied_and_in_code_order() {
        let groups = parse_groups(&[
            draft("  Zona   Utara ", &["33.03.08", " 33.03.01"]),
            draft("Zona Selatan", &["33.03.02", "33.03.03", "33.03.04"]),
        ])
        .unwrap();
        assert_eq!(groups[0].id, "zona-utara");
        assert_eq!(groups[0].name, "Zona Utara");
        assert_eq!(groups[0].kecamatan, ["33.03.01", "33.03.08"]);
        assert_eq!(groups[1].area(), "kelompok:zona-selatan");
        assert_eq!(parse_groups(&[]).unwrap(), Vec::new());
    }

    #[test]
    fn every_list_ever_set_is_tied_through_the_atoms_it_cuts() {
        let old = parse_groups(&[
            draft("Lama", &["33.03.02", "33.03.03", "33.03.06"]),
            draft("Sama", &["33.03.04", "33.03.05"]),
        ])
        .unwrap();
        let current = parse_groups(&[
            draft("Utara", &["33.03.01", "33.03.02", "33.03.03"]),
            draft("Selatan", &["33.03.04", "33.03.05"]),
        ])
        .unwrap();
        let plan = plan(&AreaGroups {
            lists: vec![old, current],
        });
        let [first, second] = &plan.stages[..] else {
            panic!("one stage a list: {plan:?}");
        };
        // "Sama" is "Selatan", answered now under its area. The first list's atoms are
        // "Lama", "Sama" and the other 14 kecamatan; the second's, 01 (a kecamatan),
        // {02, 03}, "Selatan", 06 and the other 12.
        assert_eq!(
            first.areas,
            [
                "kelompok:~list-0-0",
                "kelompok:selatan",
                "kelompok:~atom-0-0"
            ]
        );
        assert_eq!(
            second.areas,
            ["kelompok:utara", "kelompok:~atom-1-1", "kelompok:~atom-1-4"]
        );
        let hidden: Vec<&str> = plan.hidden.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(hidden, ["~list-0-0", "~atom-0-0", "~atom-1-1", "~atom-1-4"]);
        let sum = |stage: &Stage, whole: &str| -> Vec<Vec<String>> {
            let of = stage.sums.iter().filter(|s| s.whole == whole);
            of.map(|s| s.parts.clone()).collect()
        };
        assert_eq!(
            sum(first, "kelompok:~list-0-0"),
            [["33.03.02", "33.03.03", "33.03.06"]]
        );
        let regency = sum(first, "33.03");
        assert_eq!(
            regency[..2],
            [
                [
                    "kelompok:~atom-0-0",
                    "kelompok:~list-0-0",
                    "kelompok:selatan"
                ],
                [
                    "kelompok:~list-0-0",
                    "kelompok:selatan",
                    "kelompok:~atom-0-0"
                ]
            ],
            "the atoms, and the list's groups with the atoms outside them"
        );
        assert_eq!(
            regency[2][..3],
            ["kelompok:~list-0-0", "kelompok:selatan", "33.03.01"]
        );
        assert_eq!(
            regency[2].len(),
            2 + 13,
            "and with the kecamatan outside them"
        );
        assert_eq!(
            sum(second, "kelompok:utara"),
            [
                vec!["33.03.01", "33.03.02", "33.03.03"],
                vec!["33.03.01", "kelompok:~atom-1-1"]
            ]
        );
        assert!(
            sum(second, "kelompok:selatan").is_empty(),
            "stated with the first list"
        );
        assert_eq!(super::plan(&AreaGroups::default()), Plan::default());
    }

    #[test]
    fn every_bad_list_is_refused_naming_the_group() {
        let two = ["33.03.01", "33.03.02"];
        let cases = [
            (vec![draft(" ", &two)], GroupError::NoName { group: 1 }),
            (
                vec![draft(&"x".repeat(41), &two)],
                GroupError::LongName { group: 1 },
            ),
            (
                vec![draft("()", &two)],
                GroupError::NameWithoutLetters { group: 1 },
            ),
            (
                vec![
                    draft("Zona A", &two),
                    draft("zona-a", &["33.03.03", "33.03.04"]),
                ],
                GroupError::SameName { group: 2, first: 1 },
            ),
            (
                vec![draft("A", &["33.03.01", "33.03.19"])],
                GroupError::UnknownKecamatan {
                    group: 1,
                    code: "33.03.19".into(),
                },
            ),
            (
                vec![draft("A", &["33.03.01"])],
                GroupError::TooFew { group: 1 },
            ),
            (
                vec![draft("A", &two), draft("B", &["33.03.03", "33.03.02"])],
                GroupError::Overlap {
                    group: 2,
                    first: 1,
                    code: "33.03.02".into(),
                },
            ),
            (
                vec![draft("A", &["33.03.01", "33.03.01"])],
                GroupError::Overlap {
                    group: 1,
                    first: 1,
                    code: "33.03.01".into(),
                },
            ),
        ];
        for (drafts, expected) in cases {
            let error = parse_groups(&drafts).unwrap_err();
            assert_eq!(error, expected);
            assert!(!error.message(Lang::Id).is_empty());
        }
        let overlap =
            parse_groups(&[draft("A", &two), draft("B", &["33.03.02", "33.03.05"])]).unwrap_err();
        assert_eq!(
            overlap.message(Lang::Id),
            "Kecamatan Bukateja sudah masuk kelompok 1; satu kecamatan hanya boleh masuk satu kelompok."
        );
    }
}
