//! Vocabularies: stable codes with an Indonesian and an English label.

use crate::lang::{t, Lang, Text};

/// One term of a vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// The stable code stored in records and sent over the wire.
    pub code: &'static str,
    /// What a person reads.
    pub label: Text,
}

/// A closed list of terms.
#[derive(Debug, Clone, Copy)]
pub struct Vocab {
    /// The terms in display order.
    pub terms: &'static [Term],
}

impl Vocab {
    /// The term with this code, if any.
    pub fn find(&self, code: &str) -> Option<&'static Term> {
        self.terms.iter().find(|term| term.code == code)
    }

    /// Whether `code` belongs to this vocabulary.
    pub fn contains(&self, code: &str) -> bool {
        self.find(code).is_some()
    }

    /// The label of `code` in `lang`, or the code itself when it is unknown.
    pub fn label<'a>(&self, code: &'a str, lang: Lang) -> &'a str {
        match self.find(code) {
            Some(term) => term.label.get(lang),
            None => code,
        }
    }
}

const fn term(code: &'static str, id: &'static str, en: &'static str) -> Term {
    Term {
        code,
        label: t(id, en),
    }
}

/// Kinds of prevention activity (domain: activity type).
pub const ACTIVITY_TYPES: Vocab = Vocab {
    terms: &[
        term("outreach", "Sosialisasi", "Outreach"),
        term("training", "Pelatihan", "Training"),
        term("advocacy", "Advokasi", "Advocacy"),
        term("coordination", "Rapat koordinasi", "Coordination meeting"),
        term("cooperation", "Kerja sama", "Cooperation"),
        term("campaign", "Kampanye", "Campaign"),
        term(
            "village_regulation",
            "Perdes migrasi aman",
            "Village safe-migration regulation",
        ),
    ],
};

/// Who an activity reached.
pub const AUDIENCES: Vocab = Vocab {
    terms: &[
        term("village_officials", "Perangkat desa", "Village officials"),
        term(
            "prospective_migrants",
            "Calon PMI dan keluarganya",
            "Prospective migrant workers and families",
        ),
        term("students", "Pelajar", "Students"),
        term("religious_leaders", "Tokoh agama", "Religious leaders"),
        term("youth", "Karang taruna / pemuda", "Youth groups"),
        term("pkk", "Ibu-ibu PKK", "PKK women's groups"),
        term("public", "Masyarakat umum", "General public"),
    ],
};

/// What an activity talked about.
pub const TOPICS: Vocab = Vocab {
    terms: &[
        term(
            "safe_migration",
            "Prosedur migrasi aman",
            "Safe migration procedure",
        ),
        term(
            "modus",
            "Mengenali modus TPPO",
            "Recognising trafficking modus",
        ),
        term("reporting", "Saluran pengaduan", "Reporting channels"),
        term("law", "UU TPPO", "The anti-trafficking law"),
        term(
            "online_recruitment",
            "Risiko rekrutmen daring",
            "Online recruitment risks",
        ),
    ],
};

/// Who brought a case to the task force.
pub const CASE_SOURCES: Vocab = Vocab {
    terms: &[
        term("hotline", "Layanan SAPA 129", "SAPA 129 hotline"),
        term("police", "Kepolisian", "Police"),
        term("bp3mi", "BP3MI", "BP3MI (migrant worker protection)"),
        term(
            "embassy",
            "KBRI / perwakilan RI",
            "Indonesian embassy or consulate",
        ),
        term("village_head", "Kepala desa", "Village head"),
        term("family", "Keluarga", "Family"),
        term("outreach", "Penjangkauan", "Outreach visit"),
        term("ngo", "LSM", "NGO"),
        term("media", "Media", "Media"),
        term("self_report", "Korban melapor sendiri", "Self-report"),
    ],
};

/// Where a case stands.
pub const CASE_STATUSES: Vocab = Vocab {
    terms: &[
        term("reported", "Dilaporkan", "Reported"),
        term("assessed", "Diverifikasi", "Assessed"),
        term("in_service", "Ditangani", "In service"),
        term("closed", "Ditutup", "Closed"),
    ],
};

/// Why a case was closed.
pub const CLOSING_REASONS: Vocab = Vocab {
    terms: &[
        term(
            "reintegrated",
            "Korban sudah kembali ke keluarga dan masyarakat",
            "Victim reintegrated",
        ),
        term(
            "services_complete",
            "Semua layanan sudah diberikan",
            "All services delivered",
        ),
        term("referred", "Dirujuk ke daerah lain", "Referred elsewhere"),
        term(
            "declined",
            "Korban menolak layanan",
            "Victim declined services",
        ),
        term("not_trafficking", "Bukan TPPO", "Not trafficking"),
        term("other", "Lainnya", "Other"),
    ],
};

/// How victims were trafficked (modus operandi).
pub const MODUS: Vocab = Vocab {
    terms: &[
        term(
            "fake_job_offer",
            "Tawaran kerja palsu ke luar negeri",
            "Fake overseas job offer",
        ),
        term(
            "nonprocedural_migrant",
            "PMI nonprosedural",
            "Non-procedural migrant worker",
        ),
        term("ship_crew", "Anak buah kapal (ABK)", "Ship crew (ABK)"),
        term(
            "online_scam",
            "Penipuan daring / judi online",
            "Online scam or gambling compound",
        ),
        term("domestic_work", "Pekerja rumah tangga", "Domestic work"),
        term(
            "sexual_exploitation",
            "Eksploitasi seksual, termasuk daring",
            "Sexual exploitation, incl. online",
        ),
        term(
            "forced_marriage",
            "Perkawinan paksa / kawin kontrak",
            "Forced or contract marriage",
        ),
        term(
            "child_exploitation",
            "Eksploitasi anak",
            "Child exploitation",
        ),
        term("organ_removal", "Pengambilan organ", "Organ removal"),
        term("other", "Lainnya", "Other"),
    ],
};

/// Forms of exploitation (UU 21/2007).
pub const EXPLOITATION: Vocab = Vocab {
    terms: &[
        term(
            "sexual",
            "Pelacuran / eksploitasi seksual",
            "Prostitution / sexual",
        ),
        term(
            "forced_labour",
            "Kerja atau layanan paksa",
            "Forced labour or service",
        ),
        term(
            "slavery",
            "Perbudakan atau praktik serupa",
            "Slavery or slavery-like practice",
        ),
        term("servitude", "Penghambaan", "Servitude"),
        term(
            "organ_removal",
            "Pengambilan organ atau jaringan tubuh",
            "Organ or tissue removal",
        ),
        term("other", "Lainnya", "Other"),
    ],
};

/// Means used by traffickers.
pub const MEANS: Vocab = Vocab {
    terms: &[
        term("threat", "Ancaman", "Threat"),
        term("violence", "Kekerasan", "Violence"),
        term("abduction", "Penculikan", "Abduction"),
        term("confinement", "Penyekapan", "Confinement"),
        term("forgery", "Pemalsuan", "Forgery"),
        term("fraud", "Penipuan", "Fraud"),
        term(
            "abuse_of_vulnerability",
            "Penyalahgunaan posisi rentan",
            "Abuse of vulnerability",
        ),
        term("debt_bondage", "Jeratan utang", "Debt bondage"),
        term(
            "payment",
            "Memberi bayaran atau manfaat",
            "Payment or benefit",
        ),
    ],
};

/// How victims were recruited.
pub const RECRUITMENT: Vocab = Vocab {
    terms: &[
        term("broker", "Calo / perorangan", "Broker (calo) / individual"),
        term(
            "licensed_company",
            "Perusahaan berizin (P3MI)",
            "Licensed company (P3MI)",
        ),
        term(
            "unlicensed_company",
            "Perusahaan tanpa izin",
            "Unlicensed company",
        ),
        term("relative", "Kerabat", "Relative"),
        term("friend", "Teman", "Friend"),
        term(
            "online",
            "Media sosial / aplikasi daring",
            "Social media / online app",
        ),
    ],
};

/// Destination of a case: a country code, `ID` for within Indonesia.
pub const DESTINATIONS: Vocab = Vocab {
    terms: &[
        term("ID", "Dalam negeri", "Within Indonesia"),
        term("MY", "Malaysia", "Malaysia"),
        term("SG", "Singapura", "Singapore"),
        term("HK", "Hong Kong", "Hong Kong"),
        term("TW", "Taiwan", "Taiwan"),
        term("SA", "Arab Saudi", "Saudi Arabia"),
        term("AE", "Uni Emirat Arab", "United Arab Emirates"),
        term("QA", "Qatar", "Qatar"),
        term("KW", "Kuwait", "Kuwait"),
        term("OM", "Oman", "Oman"),
        term("BN", "Brunei Darussalam", "Brunei"),
        term("KH", "Kamboja", "Cambodia"),
        term("MM", "Myanmar", "Myanmar"),
        term("LA", "Laos", "Laos"),
        term("TH", "Thailand", "Thailand"),
        term("PH", "Filipina", "Philippines"),
        term("CN", "Tiongkok", "China"),
        term("JP", "Jepang", "Japan"),
        term("KR", "Korea Selatan", "South Korea"),
        term("TR", "Turki", "Turkey"),
        term("PL", "Polandia", "Poland"),
        term("other", "Negara lain", "Another country"),
    ],
};

/// Sex of a victim.
pub const SEXES: Vocab = Vocab {
    terms: &[
        term("female", "Perempuan", "Female"),
        term("male", "Laki-laki", "Male"),
    ],
};

/// A victim's schooling.
pub const EDUCATION: Vocab = Vocab {
    terms: &[
        term("none", "Tidak/belum sekolah", "No schooling"),
        term("primary", "SD/sederajat", "Primary school"),
        term("junior", "SMP/sederajat", "Junior high school"),
        term("senior", "SMA/SMK/sederajat", "Senior high school"),
        term("diploma", "Diploma", "Diploma"),
        term("university", "Sarjana atau lebih", "University degree"),
    ],
};

/// What made a victim vulnerable.
pub const VULNERABILITIES: Vocab = Vocab {
    terms: &[
        term("poverty", "Kemiskinan", "Poverty"),
        term("unemployment", "Tidak punya pekerjaan", "Unemployment"),
        term("debt", "Terlilit utang", "Debt"),
        term("low_education", "Pendidikan rendah", "Little schooling"),
        term("disability", "Disabilitas", "Disability"),
        term("family_conflict", "Masalah keluarga", "Family conflict"),
        term(
            "no_guardian",
            "Anak tanpa pengasuh",
            "Child without a guardian",
        ),
        term("other", "Lainnya", "Other"),
    ],
};

/// Services for a victim.
pub const SERVICE_TYPES: Vocab = Vocab {
    terms: &[
        term("intake", "Penerimaan pengaduan", "Complaint intake"),
        term("outreach", "Penjangkauan", "Outreach"),
        term("shelter", "Rumah aman", "Shelter (safe house)"),
        term("health", "Rehabilitasi kesehatan", "Health rehabilitation"),
        term(
            "psychosocial",
            "Pendampingan psikososial",
            "Psychosocial support",
        ),
        term(
            "social_rehab",
            "Rehabilitasi sosial",
            "Social rehabilitation",
        ),
        term("legal_aid", "Bantuan hukum", "Legal aid"),
        term("repatriation", "Pemulangan", "Repatriation"),
        term(
            "reintegration",
            "Reintegrasi sosial",
            "Social reintegration",
        ),
        term("economic", "Pemberdayaan ekonomi", "Economic empowerment"),
        term(
            "restitution",
            "Pendampingan restitusi",
            "Restitution assistance",
        ),
    ],
};

/// Where a service stands.
pub const SERVICE_STATUSES: Vocab = Vocab {
    terms: &[
        term("requested", "Diajukan", "Requested"),
        term("in_progress", "Sedang berjalan", "In progress"),
        term("delivered", "Sudah diberikan", "Delivered"),
        term("cancelled", "Dibatalkan", "Cancelled"),
    ],
};

/// Member agencies of the task force (and others that provide services).
pub const AGENCIES: Vocab = Vocab {
    terms: &[
        term(
            "dinsos",
            "Dinsosdalduk KBP3A",
            "Social affairs office (Dinsosdalduk KBP3A)",
        ),
        term(
            "uptd_ppa",
            "UPTD PPA",
            "Women and children service unit (UPTD PPA)",
        ),
        term("police", "Polres Purbalingga", "Police (Polres)"),
        term("prosecutor", "Kejaksaan Negeri", "Prosecutor's office"),
        term("court", "Pengadilan Negeri", "District court"),
        term("disnaker", "Dinas Tenaga Kerja", "Manpower office"),
        term("health", "Dinas Kesehatan", "Health office"),
        term("hospital", "Rumah sakit", "Hospital"),
        term("disdukcapil", "Disdukcapil", "Civil registry"),
        term("kemenag", "Kantor Kemenag", "Religious affairs office"),
        term("immigration", "Kantor Imigrasi", "Immigration office"),
        term("bp3mi", "BP3MI", "Migrant worker protection agency (BP3MI)"),
        term(
            "lpsk",
            "LPSK",
            "Witness and victim protection agency (LPSK)",
        ),
        term("village", "Pemerintah desa", "Village government"),
        term("ngo", "LSM", "NGO"),
        term("other", "Lainnya", "Other"),
    ],
};

/// Stages of law enforcement, from police report to restitution.
pub const LEGAL_STAGES: Vocab = Vocab {
    terms: &[
        term("police_report", "Laporan polisi", "Police report"),
        term("investigation", "Penyidikan", "Investigation"),
        term(
            "dossier_complete",
            "Berkas lengkap (P21)",
            "Dossier complete (P21)",
        ),
        term("prosecution", "Penuntutan", "Prosecution"),
        term("verdict", "Putusan", "Verdict"),
        term(
            "final",
            "Berkekuatan hukum tetap (inkracht)",
            "Final (inkracht)",
        ),
        term("restitution", "Restitusi", "Restitution"),
    ],
};

/// What kind of body an agency is (`crate::agency::Agency::kind`).
pub const AGENCY_KINDS: Vocab = Vocab {
    terms: &[
        term("government", "Perangkat daerah", "Local government office"),
        term("service_unit", "Unit layanan", "Service unit"),
        term("law_enforcement", "Penegak hukum", "Law enforcement"),
        term("health", "Layanan kesehatan", "Health service"),
        term("national", "Instansi vertikal", "National agency"),
        term("village", "Pemerintah desa", "Village government"),
        term("ngo", "Lembaga masyarakat", "Civil society"),
        term("other", "Lainnya", "Other"),
    ],
};

/// How soon a referred service is needed.
pub const REFERRAL_URGENCIES: Vocab = Vocab {
    terms: &[
        term("routine", "Biasa", "Routine"),
        term("urgent", "Segera", "Urgent"),
        term("emergency", "Darurat", "Emergency"),
    ],
};

/// A step in a referral's life (`crate::referral::Action`).
pub const REFERRAL_ACTIONS: Vocab = Vocab {
    terms: &[
        term("accept", "Diterima", "Accepted"),
        term("decline", "Ditolak", "Declined"),
        term("deliver", "Layanan diberikan", "Delivered"),
        term("cancel", "Dibatalkan", "Cancelled"),
    ],
};

/// Why an agency declines a referral.
pub const DECLINE_REASONS: Vocab = Vocab {
    terms: &[
        term(
            "not_mandate",
            "Bukan kewenangan instansi kami",
            "Not within our mandate",
        ),
        term(
            "no_capacity",
            "Tidak ada kapasitas (tempat, petugas, anggaran)",
            "No capacity (places, staff, budget)",
        ),
        term(
            "victim_unreachable",
            "Korban tidak dapat dihubungi",
            "The victim cannot be reached",
        ),
        term(
            "victim_refused",
            "Korban menolak layanan",
            "The victim refused the service",
        ),
        term(
            "already_served",
            "Layanan sudah diterima dari pihak lain",
            "Already served by another party",
        ),
        term("other", "Alasan lain", "Another reason"),
    ],
};

/// A victim's age group, as a referral shares it instead of the age.
pub const AGE_GROUPS: Vocab = Vocab {
    terms: &[
        term("child", "Anak (di bawah 18 tahun)", "Child (under 18)"),
        term("adult", "Dewasa", "Adult"),
    ],
};
