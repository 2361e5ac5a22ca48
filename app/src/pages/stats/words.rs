//! The evaluation pages' words, Bahasa Indonesia first (the rest of the app's are in
//! `crate::i18n`).

use gugus_model::lang::t;
use gugus_model::Text;

pub const TITLE: Text = t("Evaluasi Gugus Tugas", "Task force evaluation");
pub const KIND: Text = t("Jenis periode", "Period");
pub const KIND_MONTH: Text = t("Bulan", "Month");
pub const KIND_QUARTER: Text = t("Triwulan", "Quarter");
pub const KIND_YEAR: Text = t("Tahun", "Year");
pub const KIND_RANGE: Text = t("Rentang tanggal", "Range of days");
pub const YEAR: Text = t("Tahun", "Year");
pub const MONTH: Text = t("Bulan", "Month");
pub const QUARTER: Text = t("Triwulan", "Quarter");
pub const QUARTERS: [Text; 4] = [
    t("I (Januari–Maret)", "I (January–March)"),
    t("II (April–Juni)", "II (April–June)"),
    t("III (Juli–September)", "III (July–September)"),
    t("IV (Oktober–Desember)", "IV (October–December)"),
];
pub const DOWNLOAD_EXCEL: Text = t("CSV (Excel Indonesia)", "CSV (Excel, Indonesian)");
pub const DOWNLOAD_EXCEL_TITLE: Text = t(
    "Untuk Excel berbahasa Indonesia: kolom dipisah titik koma, desimal dengan koma.",
    "For Excel set to Indonesian: fields separated by semicolons, decimal commas.",
);
pub const AREA: Text = t("Wilayah", "Area");
pub const WHOLE_REGENCY: Text = t("Seluruh kabupaten", "The whole regency");
pub const SUPPRESSED: Text = t(
    "* Disembunyikan: angka 1 sampai 10, dan angka lain yang dapat dipakai untuk menghitungnya, tidak ditampilkan agar korban tidak dapat dikenali.",
    "* Hidden: counts from 1 to 10, and other figures that would let one be worked out, are not shown, so that no victim can be identified.",
);
pub const KEY_CASES: Text = t("Kasus dilaporkan", "Cases reported");
pub const KEY_VICTIMS: Text = t("Korban", "Victims");
pub const KEY_SERVICES: Text = t("Layanan diajukan", "Services requested");
pub const KEY_ACTIVITIES: Text = t("Kegiatan", "Activities");
pub const KEY_PARTICIPANTS: Text = t("Peserta kegiatan", "Participants");
pub const KEY_VILLAGES: Text = t("Desa dijangkau", "Villages reached");
pub const CASES: Text = t("Kasus", "Cases");
pub const BY_STATUS: Text = t("Menurut status", "By status");
pub const BY_MODUS: Text = t("Menurut modus", "By modus");
pub const BY_DESTINATION: Text = t("Menurut negara tujuan", "By destination");
pub const BY_EXPLOITATION: Text = t("Menurut bentuk eksploitasi", "By form of exploitation");
pub const EXPLOITATION_NOTE: Text = t(
    "Satu kasus dapat mengalami lebih dari satu bentuk eksploitasi.",
    "A case may involve more than one form of exploitation.",
);
pub const VICTIMS: Text = t(
    "Korban dari kasus periode ini",
    "Victims of the period's cases",
);
pub const CHILDREN: Text = t("Anak (< 18 th)", "Children (< 18)");
pub const ADULTS: Text = t("Dewasa", "Adults");
pub const TOTAL: Text = t("Jumlah", "Total");
pub const FEMALE: Text = t("Perempuan", "Female");
pub const MALE: Text = t("Laki-laki", "Male");
pub const SERVICES: Text = t("Layanan bagi korban", "Services for victims");
pub const SERVICES_NOTE: Text = t(
    "Layanan yang diajukan pada periode ini. UU 21/2007 pasal 51: rehabilitasi diberikan paling lambat 7 hari sejak diajukan.",
    "Services requested in the period. UU 21/2007 art. 51: rehabilitation within 7 days of the request.",
);
pub const COL_SERVICE: Text = t("Layanan", "Service");
pub const COL_REQUESTED: Text = t("Diajukan", "Requested");
pub const COL_DELIVERED: Text = t("Diberikan", "Delivered");
pub const COL_LATE: Text = t("Lewat 7 hari", "After 7 days");
pub const COL_WAITING: Text = t("Menunggu > 7 hari", "Waiting > 7 days");
pub const COL_MEDIAN: Text = t("Median (hari)", "Median (days)");
pub const COL_LONGEST: Text = t("Terlama (hari)", "Longest (days)");
pub const LEGAL: Text = t("Penegakan hukum", "Law enforcement");
pub const LEGAL_NOTE: Text = t(
    "Kasus yang dilaporkan pada periode ini, menurut tahap terjauh yang sudah dicapai (persen dari semua kasus periode ini).",
    "Cases reported in the period, by the furthest stage reached so far (percent of all the period's cases).",
);
pub const RESTITUTION: Text = t("Restitusi diputus", "Restitution ordered");
pub const CASES_WORD: Text = t("kasus", "cases");
pub const ACTIVITIES: Text = t("Kegiatan pencegahan", "Prevention activities");
pub const BY_TYPE: Text = t("Menurut jenis", "By type");
pub const PARTICIPANTS: Text = t("Peserta", "Participants");
pub const TREND: Text = t("Tren bulanan", "Monthly trend");
pub const NEW_CASES: Text = t("Kasus baru", "New cases");
pub const SERVED: Text = t("Korban menerima layanan", "Victims served");
pub const MONTH_COL: Text = t("Bulan", "Month");
pub const AREAS: Text = t("Per kecamatan", "By kecamatan");
pub const AREAS_NOTE: Text = t(
    "Ketuk nama kecamatan untuk melihat rinciannya.",
    "Tap a kecamatan's name for its figures.",
);
pub const COL_KECAMATAN: Text = t("Kecamatan", "Kecamatan");
pub const COL_CASES: Text = t("Kasus", "Cases");
pub const COL_VICTIMS: Text = t("Korban", "Victims");
pub const COL_SERVICES: Text = t("Layanan", "Services");
pub const COL_ACTIVITIES: Text = t("Kegiatan", "Activities");
pub const COL_PARTICIPANTS: Text = t("Peserta", "Participants");
pub const COL_VILLAGES: Text = t("Desa dijangkau", "Villages reached");
pub const COVERAGE: Text = t("Cakupan desa", "Village coverage");
pub const COVERAGE_NOTE: Text = t(
    "Desa yang didatangi kegiatan pencegahan pada periode ini. Bertanda ✕: belum pernah didatangi sama sekali.",
    "Villages a prevention activity reached in the period. Marked ✕: never reached at all.",
);
pub const COVERAGE_NOTE_VIEWER: Text = t(
    "Desa yang didatangi kegiatan pencegahan pada periode ini. Desa yang belum pernah didatangi sama sekali hanya ditandai untuk ketua harian dan sekretaris.",
    "Villages a prevention activity reached in the period. Villages never reached at all are marked for the daily chair and the secretary only.",
);
pub const NOT_REACHED: Text = t("belum dijangkau", "not reached");
pub const NEVER_REACHED: Text = t("belum pernah", "never");
pub const LIST_HIDDEN: Text = t(
    "Daftar desanya disembunyikan karena angkanya kecil (lihat catatan *).",
    "The list of villages is hidden (see the note *).",
);
pub const BACK_TO_REGENCY: Text = t("← Seluruh kabupaten", "← The whole regency");
pub const DOWNLOAD: Text = t("Unduh CSV", "Download CSV");
pub const DOWNLOAD_FAILED: Text = t(
    "Berkas belum dapat diunduh. Periksa sinyal, lalu coba lagi.",
    "The file could not be downloaded. Check the signal and try again.",
);
pub const REPORT_LINK: Text = t("Laporan periodik (cetak)", "Periodic report (print)");
pub const OF: Text = t("dari", "of");

pub const REPORT_TITLE: Text = t(
    "Laporan Periodik Gugus Tugas Pencegahan dan Penanganan Tindak Pidana Perdagangan Orang",
    "Periodic Report of the Task Force for the Prevention and Handling of Trafficking in Persons",
);
/// Where the report is signed.
pub const PLACE: &str = "Purbalingga";
pub const CHAIR_TITLE: Text = t(
    "Ketua Harian Gugus Tugas PP-TPPO Kabupaten Purbalingga",
    "Daily Chair, PP-TPPO Task Force of Purbalingga Regency",
);
pub const CHAIR_NAME: Text = t(
    "Nama ketua harian (untuk tanda tangan)",
    "The daily chair's name (for the signature)",
);
pub const CHAIR_NIP: Text = t("NIP ketua harian", "The daily chair's NIP");
pub const CHAIR_NAME_MISSING: Text = t("(nama ketua harian)", "(the daily chair's name)");
pub const REPORT_TO: Text = t(
    "Kepada: Gugus Tugas PP-TPPO Provinsi Jawa Tengah",
    "To: the PP-TPPO Task Force of Central Java Province",
);
pub const REPORT_FROM: Text = t(
    "Dari: Gugus Tugas PP-TPPO Kabupaten Purbalingga",
    "From: the PP-TPPO Task Force of Purbalingga Regency",
);
pub const REPORT_FIGURES: Text = t("Data periode ini", "The period's figures");
pub const NARRATIVE: Text = t("Uraian", "Narrative");
pub const ACHIEVEMENTS: Text = t("Capaian", "Achievements");
pub const OBSTACLES: Text = t("Kendala", "Obstacles");
pub const FOLLOW_UP: Text = t("Rencana tindak lanjut", "Follow-up");
pub const NARRATIVE_HINT: Text = t(
    "Tulisan ini tersimpan di perangkat ini untuk periode dan wilayah ini, juga bila halaman dimuat ulang.",
    "What you write is kept on this device for this period and area, through a reload too.",
);
pub const PRINT: Text = t("Cetak / simpan PDF", "Print / save as PDF");
pub const BACK: Text = t("← Kembali ke evaluasi", "← Back to the evaluation");
pub const PRINTED_ON: Text = t("Dicetak", "Printed");

pub const GROUPS: Text = t(
    "Perbandingan kelompok kecamatan",
    "Groups of kecamatan compared",
);
pub const GROUPS_NOTE: Text = t(
    "Angka tiap kelompok adalah jumlah angka kecamatan anggotanya. Ketuk nama kelompok untuk melihat semua angkanya.",
    "Each group's figures add up its kecamatan's. Tap a group's name for all its figures.",
);
pub const GROUPS_WITHHELD: Text = t(
    "Perbandingan kelompok tidak ditampilkan untuk tahun ini: walau disembunyikan, angkanya dapat dipakai untuk menghitung angka kecil.",
    "The groups are not shown for this year: even hidden, their figures would give a small count away.",
);
pub const COL_GROUP: Text = t("Kelompok", "Group");
pub const GROUP_OPTION: Text = t("Kelompok", "Group");
pub const GROUPS_EDIT: Text = t("Atur kelompok kecamatan", "Set the groups of kecamatan");
pub const GROUPS_EDIT_NOTE: Text = t(
    "Kelompokkan kecamatan (misalnya menurut zona perencanaan) agar pimpinan dapat membandingkan wilayah yang lebih besar. Setiap kelompok paling sedikit dua kecamatan, dan satu kecamatan hanya masuk satu kelompok. Perubahan dicatat di jejak audit.",
    "Group kecamatan (by planning zone, say) so that the steering officials can compare larger areas. Each group holds at least two kecamatan, and a kecamatan belongs to one group at most. Changes are written to the audit trail.",
);
pub const GROUP_NAME: Text = t("Nama kelompok", "Group name");
pub const GROUP_ADD: Text = t("Tambah kelompok", "Add a group");
pub const GROUP_REMOVE: Text = t("Hapus kelompok ini", "Remove this group");
pub const GROUPS_SAVE: Text = t("Simpan kelompok", "Save the groups");
pub const GROUPS_SAVED: Text = t("Kelompok tersimpan.", "Groups saved.");
pub const GROUPS_SAVE_FAILED: Text = t(
    "Kelompok belum tersimpan. Periksa sambungan internet, lalu coba lagi; isian Anda tetap ada.",
    "The groups are not saved yet. Check the connection and try again; what you entered stays.",
);

pub const REFERRALS: Text = t("Rujukan antarinstansi", "Referrals between agencies");
pub const REFERRALS_NOTE: Text = t(
    "Rujukan yang dibuat pada periode ini, menurut instansi tujuannya, dengan keadaannya pada akhir periode (atau hari ini bila periode belum selesai). Lewat batas waktu: layanannya belum diberikan, tidak ditolak dan tidak dibatalkan, padahal tanggal dibutuhkannya sudah lewat.",
    "Referrals made in the period, by the agency they went to, as they stood at the period's end (or today, while it runs). Overdue: the service not delivered, declined or cancelled although the day it was needed by has passed.",
);
pub const REFERRALS_REGENCY: Text = t(
    "Tabel rujukan selalu mencakup seluruh kabupaten, bukan satu kecamatan.",
    "The referral table always covers the whole regency, not one kecamatan.",
);
pub const REFERRALS_NONE: Text = t(
    "Belum ada rujukan pada periode ini.",
    "No referral was made in this period.",
);
pub const REFERRALS_NOT_LOADED: Text = t(
    "Tabel rujukan periode ini belum termuat.",
    "The period's referral table is not loaded yet.",
);
pub const REF_AGENCY: Text = t("Instansi", "Agency");
pub const REF_RECEIVED: Text = t("Rujukan masuk", "Referrals received");
pub const REF_ACCEPTED: Text = t("Diterima", "Accepted");
pub const REF_DECLINED: Text = t("Ditolak", "Declined");
pub const REF_DELIVERED: Text = t("Layanan diberikan", "Service delivered");
pub const REF_OVERDUE: Text = t("Lewat batas waktu", "Overdue");
pub const REF_ANSWER_DAYS: Text = t("Median hari sampai dijawab", "Median days to an answer");
pub const REF_DELIVER_DAYS: Text = t("Median hari sampai diberikan", "Median days to delivery");
pub const REF_ALL_AGENCIES: Text = t("Semua instansi", "All agencies");
pub const REF_REASONS: Text = t("Penolakan menurut alasan", "Declines by reason");
pub const REF_REASON: Text = t("Alasan", "Reason");
pub const REF_REASONS_NONE: Text = t(
    "Tidak ada rujukan yang ditolak pada periode ini.",
    "No referral was declined in this period.",
);
pub const REF_REASONS_BY_AGENCY: Text = t(
    "Alasan penolakan tiap instansi: ketuk nama instansinya.",
    "Each agency's reasons: tap its name.",
);
pub const REF_DECLINED_WORD: Text = t("ditolak", "declined");
