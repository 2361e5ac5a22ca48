//! Every string the app shows, in Bahasa Indonesia first and English second, and the
//! Indonesian way of writing dates and numbers.
//!
//! Field and vocabulary labels and validation messages come from `model`; everything else
//! is in the table below.

use gugus_model::lang::t;
use gugus_model::{Lang, Text};
use leptos::prelude::*;
use time::Date;

const LANG_KEY: &str = "gugus.lang";

/// The chosen language, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The language remembered on this device (Bahasa Indonesia when none was chosen).
    pub fn remembered() -> Self {
        let tag = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
            .unwrap_or_default();
        let lang = Lang::from_tag(&tag);
        set_document_lang(lang);
        I18n {
            lang: RwSignal::new(lang),
        }
    }

    /// The current language (tracked).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// A fixed text in the current language (tracked).
    pub fn t(&self, text: Text) -> &'static str {
        text.get(self.lang())
    }

    /// Switches between Bahasa Indonesia and English and remembers the choice.
    pub fn toggle(&self) {
        let next = match self.lang.get_untracked() {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        };
        self.set(next);
    }

    /// Shows the app in `next` and remembers the choice on this device.
    pub fn set(&self, next: Lang) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            // Not remembering the choice only costs a switch after the next reload.
            let _ = storage.set_item(LANG_KEY, next.tag());
        }
        set_document_lang(next);
        self.lang.set(next);
    }
}

/// The language context.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// A fixed text as a view that follows the chosen language.
///
/// Every call returns the same closure type, so the views share one instance of the
/// rendering code instead of one per string (it keeps the wasm small).
pub fn tr(text: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.t(text)
}

fn set_document_lang(lang: Lang) {
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", lang.tag());
    }
}

// --- The table -------------------------------------------------------------------------

pub const APP_NAME: Text = t("Gugus Tugas TPPO", "Anti-Trafficking Task Force");
/// The app's name in the top bar once someone is logged in (their name goes under it).
pub const APP_SHORT: Text = t("Gugus TPPO", "Gugus TPPO");
pub const REGENCY: Text = t("Kabupaten Purbalingga", "Purbalingga Regency");
pub const LOADING: Text = t("Memuat…", "Loading…");
pub const PAGE_NOT_LOADED: Text = t(
    "Halaman ini belum tersimpan di HP. Sambungkan ke internet sebentar, lalu coba lagi.",
    "This page is not on the phone yet. Connect to the internet for a moment, then try again.",
);
pub const TRY_AGAIN: Text = t("Coba lagi", "Try again");
pub const LANG_SWITCH: Text = t("EN", "ID");
pub const LANG_SWITCH_TITLE: Text = t("Switch to English", "Ganti ke Bahasa Indonesia");

pub const LOGIN_TITLE: Text = t("Masuk", "Log in");
pub const USERNAME: Text = t("Nama pengguna", "Username");
pub const PASSWORD: Text = t("Kata sandi", "Password");
pub const LOGIN_SUBMIT: Text = t("Masuk", "Log in");
pub const LOGGING_IN: Text = t("Sedang masuk…", "Logging in…");
pub const LOGIN_HINT: Text = t(
    "Masuk pertama kali butuh internet. Sesudah itu aplikasi tetap bisa dipakai tanpa sinyal.",
    "The first login needs the internet. After that the app works without signal.",
);
pub const LOGIN_WRONG: Text = t(
    "Nama pengguna atau kata sandi salah.",
    "Wrong username or password.",
);
pub const LOGIN_OFFLINE: Text = t(
    "Tidak tersambung ke server. Periksa sinyal atau paket data, lalu coba lagi.",
    "Cannot reach the server. Check the signal or mobile data, then try again.",
);
pub const LOGIN_RATE_LIMITED: Text = t(
    "Terlalu banyak percobaan masuk. Tunggu beberapa menit, lalu coba lagi.",
    "Too many login attempts. Wait a few minutes, then try again.",
);
pub const LOGIN_FAILED: Text = t(
    "Server sedang bermasalah, belum bisa masuk. Coba lagi sebentar lagi.",
    "The server has a problem; you cannot log in yet. Try again shortly.",
);
pub const LOGIN_AGAIN: Text = t(
    "Sesi Anda berakhir. Masuk lagi untuk melanjutkan sinkronisasi; data di HP ini tetap aman.",
    "Your session ended. Log in again to keep syncing; the data on this phone is safe.",
);
pub const FILL_BOTH: Text = t(
    "Isi nama pengguna dan kata sandi.",
    "Enter your username and password.",
);

pub const NAV_ACTIVITIES: Text = t("Kegiatan", "Activities");
pub const NAV_NEW_ACTIVITY: Text = t("+ Catat", "+ New");
pub const NAV_STATS: Text = t("Evaluasi", "Evaluation");
pub const REQUIRED_NOTE: Text = t(
    "Isian bertanda * wajib diisi.",
    "Fields marked * are required.",
);
pub const NOTE_FINAL: Text = t(
    "Catatan tidak bisa diubah atau dihapus setelah disimpan. Periksa lagi sebelum menyimpan.",
    "A note cannot be changed or deleted once saved. Check it before saving.",
);
pub const NAV_LABEL: Text = t("Menu utama", "Main menu");
pub const LOGOUT: Text = t("Keluar", "Log out");
pub const LOGOUT_KEEP: Text = t("Batal, jangan keluar", "Cancel, stay logged in");
pub const LOGOUT_TITLE: Text = t("Keluar dari Gugus?", "Log out of Gugus?");
pub const LOGOUT_WIPES: Text = t(
    "Semua data Gugus di HP ini akan dihapus: kegiatan, kasus, identitas korban dan draf formulir.",
    "All Gugus data on this phone will be removed: activities, cases, victims' identities and form drafts.",
);
pub const LOGOUT_ENDS_SESSION: Text = t(
    "Keluar akan mengakhiri sesi Anda di HP ini. Data petugas pemilik HP tetap tersimpan.",
    "Logging out ends your session on this phone. The data of the officer who owns it stays.",
);
pub const LOGOUT_OFFLINE: Text = t(
    "Sedang tidak ada sinyal: untuk masuk lagi nanti, Anda perlu sinyal internet.",
    "There is no signal now: to log in again later, you will need an internet connection.",
);
pub const LOGOUT_OFFLINE_LOCK: Text = t(
    "Sedang tidak ada sinyal: untuk masuk lagi nanti, Anda perlu sinyal internet. Agar HP aman sementara, pilih Kunci saja: data tetap tersimpan dan dibuka lagi dengan kata sandi, tanpa sinyal.",
    "There is no signal now: to log in again later, you will need an internet connection. To keep the phone safe for a while, choose Lock instead: the data stays and opens again with your password, no signal needed.",
);
pub const LOGOUT_LOCK: Text = t("Kunci saja", "Lock instead");
pub const LOGOUT_CONFIRM: Text = t("Hapus data dan keluar", "Remove the data and log out");
pub const LOGOUT_DISCARD: Text = t(
    "Hapus perubahan itu dan keluar",
    "Erase those changes and log out",
);
pub const IDENTITY_TITLE: Text = t("Identitas korban", "Victim's identity");
pub const IDENTITY_NONE: Text = t("Identitas belum diisi.", "No identity recorded yet.");
pub const IDENTITY_NOT_SHARED: Text = t(
    "Identitas belum dibagikan kepada Anda. Ketua atau sekretaris gugus tugas perlu membagikannya; setelah sinkron, identitas akan tampil di sini.",
    "The identity has not been shared with you yet. The task force's chair or secretary needs to share it; after a sync it will show here.",
);
pub const NIK_DUPLICATE: Text = t(
    "NIK ini sudah tercatat pada kasus lain. Periksa apakah korbannya orang yang sama, lalu beri tahu ketua atau sekretaris.",
    "This NIK is already recorded on another case. Check whether the victim is the same person, then tell the chair or the secretary.",
);
pub const NIK_DUPLICATE_OPEN: Text = t("Buka kasus", "Open case");
pub const NIK_LINK: Text = t("Tautkan kedua kasus", "Link the two cases");
pub const NIK_LINKED: Text = t("Sudah ditautkan", "Linked");
pub const NIK_LINK_FAILED: Text = t(
    "Tautan belum tersimpan di HP ini. Coba lagi.",
    "The link was not saved on this phone. Try again.",
);
pub const CASE_LINKS: Text = t(
    "Kasus terkait (korban yang sama)",
    "Linked cases (the same victim)",
);
pub const CASE_LINK_OPEN: Text = t("Kasus", "Case");
pub const IDENTITY_SHOW: Text = t("Tampilkan identitas", "Show identity");
pub const IDENTITY_HIDE: Text = t("Sembunyikan identitas", "Hide identity");
pub const IDENTITY_EDIT: Text = t("Ubah identitas", "Edit identity");
pub const IDENTITY_ADD: Text = t("Isi identitas", "Record identity");
pub const LOCK_NOW: Text = t("Kunci", "Lock");
pub const LOCK_NOW_TITLE: Text = t(
    "Kunci aplikasi sekarang; buka lagi dengan kata sandi",
    "Lock the app now; open it again with your password",
);
pub const UNLOCK_TITLE: Text = t("Aplikasi terkunci", "The app is locked");
pub const UNLOCK_WHY: Text = t(
    "Identitas korban di HP ini tersimpan terenkripsi. Masukkan kata sandi Anda untuk membukanya.",
    "Victims' identities on this phone are encrypted. Enter your password to open them.",
);
pub const UNLOCK_HINT: Text = t(
    "Pakai kata sandi yang Anda gunakan saat pertama kali masuk di HP ini. Bisa tanpa sinyal.",
    "Use the password you used when you first logged in on this phone. Works without a signal.",
);
pub const UNLOCK_SUBMIT: Text = t("Buka", "Unlock");
pub const UNLOCKING: Text = t("Membuka…", "Unlocking…");
pub const UNLOCK_EMPTY: Text = t("Isi kata sandi Anda.", "Enter your password.");
pub const UNLOCK_WRONG: Text = t(
    "Kata sandi salah. Jika kata sandi Anda baru diganti, pakai kata sandi yang lama.",
    "Wrong password. If your password was changed recently, use the old one.",
);
pub const UNLOCK_SHORT: Text = t(
    "Kata sandi minimal 8 karakter.",
    "The password needs at least 8 characters.",
);
pub const ERR_ENCRYPTION: Text = t(
    "Data terenkripsi di HP ini tidak bisa dibuka. Kunci aplikasi lalu buka lagi dengan kata sandi Anda.",
    "The encrypted data on this phone could not be opened. Lock the app, then open it again with your password.",
);
pub const OTHER_OWNER_PENDING: Text = t(
    "HP ini masih menyimpan perubahan akun lain yang belum terkirim. Minta pemilik akun itu masuk dan menyinkronkannya dulu, atau keluar dan menghapusnya.",
    "This phone still holds another account's changes that were not sent. Ask that account's owner to log in and sync them first, or to log out and erase them.",
);
pub const LOGIN_AGAIN_LINK: Text = t("Masuk lagi", "Log in again");

pub const SYNC_NOW: Text = t("Sinkronkan", "Sync now");
pub const SYNC_IDLE: Text = t("Semua terkirim", "All sent");
pub const SYNC_SYNCING: Text = t("Menyinkronkan…", "Syncing…");
pub const SYNC_OFFLINE: Text = t("Tanpa sinyal", "Offline");
pub const SYNC_ERROR: Text = t("Sinkronisasi gagal", "Sync failed");
pub const LAST_SYNC: Text = t("Terakhir sinkron", "Last synced");
pub const NEVER_SYNCED: Text = t("Belum pernah sinkron", "Never synced");
pub const OFFLINE_SAFE: Text = t(
    "Data tersimpan aman di HP ini dan dikirim otomatis saat ada sinyal.",
    "Data is kept safe on this phone and sent automatically when there is signal.",
);
pub const ERR_SESSION: Text = t(
    "Sesi berakhir, masuk lagi untuk sinkronisasi",
    "Session ended, log in again to sync",
);
pub const ERR_NETWORK: Text = t(
    "Server tidak terjangkau. Data aman di HP ini; dicoba lagi otomatis.",
    "Cannot reach the server. Your data is safe on this phone; retrying automatically.",
);
pub const ERR_SERVER: Text = t(
    "Server sedang bermasalah. Data aman di HP ini; dicoba lagi otomatis.",
    "The server has a problem. Your data is safe on this phone; retrying automatically.",
);
pub const ERR_FORBIDDEN: Text = t(
    "Akun ini tidak boleh menyinkronkan catatan kegiatan.",
    "This account may not sync activity records.",
);
pub const ERR_STORAGE: Text = t(
    "Penyimpanan HP bermasalah. Kosongkan ruang penyimpanan, lalu muat ulang aplikasi.",
    "The phone's storage failed. Free some storage space, then reload the app.",
);
pub const ERR_RESPONSE: Text = t(
    "Jawaban server tidak dikenali. Muat ulang aplikasi untuk memperbarui.",
    "The server's answer was not understood. Reload the app to update it.",
);
pub const DB_REPLACED: Text = t(
    "Versi baru aplikasi dibuka di tab lain. Muat ulang halaman ini.",
    "A newer version of the app is open in another tab. Reload this page.",
);

pub const LIST_TITLE: Text = t("Kegiatan pencegahan", "Prevention activities");
pub const LIST_EMPTY: Text = t(
    "Belum ada kegiatan di HP ini. Ketuk \u{201c}+ Catat\u{201d} untuk mencatat kegiatan pertama.",
    "No activities on this phone yet. Tap \u{201c}+ New\u{201d} to record the first one.",
);
pub const BADGE_PENDING: Text = t("Belum terkirim", "Not sent yet");
pub const BADGE_REJECTED: Text = t("Ditolak, perlu diperbaiki", "Rejected, needs fixing");
pub const BADGE_CONFLICT: Text = t("Bentrok data", "Conflict");
pub const PEOPLE: Text = t("orang", "people");

pub const FORM_NEW: Text = t("Catat kegiatan", "New activity");
pub const FORM_EDIT: Text = t("Ubah kegiatan", "Edit activity");
pub const CHOOSE: Text = t("— Pilih —", "— Choose —");
pub const CHOOSE_KECAMATAN_FIRST: Text =
    t("— Pilih kecamatan dulu —", "— Choose the district first —");
pub const SAVE: Text = t("Simpan", "Save");
pub const SAVING: Text = t("Menyimpan…", "Saving…");
pub const CANCEL: Text = t("Batal", "Cancel");
pub const FORM_INVALID: Text = t(
    "Belum tersimpan. Perbaiki isian yang bertanda merah.",
    "Not saved yet. Fix the fields marked in red.",
);
pub const SAVE_FAILED: Text = t(
    "Gagal menyimpan di HP ini. Isian Anda masih di layar; coba simpan lagi.",
    "Could not save on this phone. Your entries are still on screen; try saving again.",
);
pub const DRAFT_RESTORED: Text = t(
    "Isian yang belum disimpan dipulihkan.",
    "Unsaved entries were restored.",
);
pub const DISCARD_DRAFT: Text = t("Buang isian ini", "Discard these entries");
pub const NOT_FOUND: Text = t(
    "Kegiatan ini tidak ada di HP ini.",
    "This activity is not on this phone.",
);
pub const REJECTED_NOTICE: Text = t(
    "Server menolak perubahan ini. Isian Anda tetap disimpan di HP; perbaiki yang ditandai lalu simpan lagi.",
    "The server refused this change. Your entries are kept on the phone; fix what is marked and save again.",
);
pub const REJECTED_FORBIDDEN: Text = t(
    "Server menolak: akun Anda tidak boleh mengubah catatan ini.",
    "Refused by the server: your account may not change this record.",
);
pub const CONFLICT_NOTICE: Text = t(
    "Isian ini diubah di dua tempat. Untuk sementara nilai di server yang dipakai; pilih nilai yang benar.",
    "These fields were changed in two places. The server's value is kept for now; choose the right one.",
);
pub const CONFLICT_SERVER: Text = t("di server", "on the server");
pub const CONFLICT_DEVICE: Text = t("dari HP", "from the phone");
pub const RESOLVE_SERVER: Text = t("Pakai nilai di server", "Keep the server's value");
pub const RESOLVE_MINE: Text = t("Pakai nilai saya", "Use my value");
pub const RESOLVE_FAILED: Text = t(
    "Pilihan belum tersimpan di HP. Coba lagi.",
    "The choice was not saved on the phone. Try again.",
);
pub const EMPTY_VALUE: Text = t("(kosong)", "(empty)");

pub const FROM: Text = t("Dari tanggal", "From");
pub const TO: Text = t("Sampai tanggal", "To");
pub const STATS_LOAD: Text = t("Tampilkan", "Show");
pub const COL_KECAMATAN: Text = t("Kecamatan", "District");
pub const COL_ACTIVITIES: Text = t("Kegiatan", "Activities");
pub const COL_PARTICIPANTS: Text = t("Peserta", "Participants");
pub const STATS_OFFLINE: Text = t(
    "Evaluasi diambil dari server dan butuh internet. Sambungkan HP ke internet, lalu ketuk Tampilkan.",
    "The evaluation comes from the server and needs the internet. Connect, then tap Show.",
);
pub const STATS_FORBIDDEN: Text = t(
    "Akun Anda tidak dapat membuka evaluasi.",
    "Your account cannot open the evaluation.",
);
pub const STATS_BAD_PERIOD: Text = t(
    "Isi kedua tanggal; tanggal awal tidak boleh sesudah tanggal akhir.",
    "Enter both dates; the first may not be after the last.",
);

pub const NAV_ASSIGN: Text = t("Penugasan", "Assignments");
pub const NAV_AUDIT: Text = t("Audit", "Audit");
pub const NAV_ADMIN: Text = t("Akun", "Accounts");

pub const ROLE_OFFICER: Text = t("Petugas", "Officer");
pub const ROLE_SUPERVISOR: Text = t("Pimpinan harian", "Supervisor");
pub const ROLE_VIEWER: Text = t("Pengarah (lihat saja)", "Viewer (read only)");
pub const ROLE_ADMIN: Text = t("Admin", "Admin");

pub const ADMIN_TITLE: Text = t("Kelola akun", "Manage accounts");
pub const ADMIN_OFFLINE: Text = t(
    "Butuh koneksi internet untuk mengelola akun.",
    "Managing accounts needs an internet connection.",
);
pub const ADMIN_FORBIDDEN: Text = t(
    "Hanya admin yang dapat mengelola akun.",
    "Only an admin can manage accounts.",
);
pub const RECOVERY_TITLE: Text = t("Kunci pemulihan", "Recovery key");
pub const RECOVERY_WHY: Text = t(
    "Dengan kunci pemulihan, ketua harian dapat memulihkan akses ke identitas korban bila tidak ada lagi petugas yang memegang kunci suatu kasus. Kunci ini dibuat sekali saja.",
    "With the recovery key, the daily chair can restore access to victims' identities when no officer holds a case's key any more. It is made once.",
);
pub const RECOVERY_EXISTS: Text = t(
    "Kunci pemulihan gugus tugas sudah dibuat. Kodenya disimpan di brankas ketua harian.",
    "The task force's recovery key has been made. Its code is kept in the daily chair's safe.",
);
pub const RECOVERY_MAKE: Text = t("Buat kunci pemulihan", "Make the recovery key");
pub const RECOVERY_SHOWN_ONCE: Text = t(
    "Cetak kode ini sekarang dan simpan di brankas ketua harian. Kode ini hanya tampil sekali dan tidak disimpan di server.",
    "Print this code now and keep it in the daily chair's safe. It is shown only once and is not kept on the server.",
);
pub const RECOVERY_PRINT: Text = t("Cetak", "Print");
pub const RECOVERY_CONFIRM: Text = t(
    "Kode sudah saya cetak dan simpan",
    "I have printed and stored the code",
);
pub const RECOVERY_SAVE: Text = t("Simpan kunci pemulihan", "Save the recovery key");
pub const RECOVERY_SAVED: Text = t(
    "Kunci pemulihan tersimpan. Kodenya tidak akan ditampilkan lagi.",
    "The recovery key is saved. Its code will not be shown again.",
);
pub const RECOVERY_TAKEN: Text = t(
    "Admin lain sudah membuat kunci pemulihan lebih dulu. Kode di layar ini tidak berlaku; buang cetakannya.",
    "Another admin made the recovery key first. The code on this screen is not valid; throw its printout away.",
);
pub const RECOVERY_FAILED: Text = t(
    "Kunci pemulihan belum tersimpan. Periksa koneksi, lalu tekan Simpan lagi.",
    "The recovery key is not saved yet. Check the connection, then press Save again.",
);
pub const ACCESS_TITLE: Text = t("Akses identitas korban", "Access to victims' identities");
pub const ACCESS_WHY: Text = t(
    "Identitas korban hanya bisa dibuka oleh petugas kasusnya, ketua dan sekretaris. Setelah admin mengganti kata sandi seorang petugas, atau bila petugas satu-satunya sebuah kasus sudah tidak aktif, bagikan ulang kuncinya di sini. Bila tidak ada lagi yang memegang kunci sebuah kasus, ambil kode pemulihan dari brankas ketua dan ketik di bawah.",
    "A victim's identity opens only for the case's officers, the chair and the secretary. After an admin resets an officer's password, or when a case's only officer is no longer active, share its key again here. When nobody holds a case's key any more, take the recovery code from the chair's safe and type it below.",
);
pub const ACCESS_RESHARE: Text = t("Bagikan ulang kunci kasus", "Share case keys again");
pub const ACCESS_CODE: Text = t("Kode pemulihan", "Recovery code");
pub const ACCESS_RESTORE: Text = t("Pulihkan akses dengan kode", "Restore access with the code");
pub const ACCESS_NO_RECOVERY: Text = t(
    "Admin belum membuat kunci pemulihan, jadi akses belum bisa dipulihkan dengan kode.",
    "An admin has not made the recovery key yet, so access cannot be restored with a code.",
);
pub const ACCESS_TYPO: Text = t(
    "Kode pemulihan salah ketik. Periksa lagi setiap kelompok huruf dan angka pada cetakannya.",
    "The recovery code has a typing error. Check each group of letters and digits on the printout again.",
);
pub const ACCESS_NOT_THIS: Text = t(
    "Kode ini bukan kode pemulihan gugus tugas ini.",
    "This code is not this task force's recovery code.",
);
pub const ACCESS_FAILED: Text = t(
    "Belum berhasil. Periksa koneksi, lalu coba lagi.",
    "That did not work yet. Check the connection, then try again.",
);
pub const ACCOUNTS_EMPTY: Text = t("Belum ada akun.", "No accounts yet.");
pub const ACCOUNT_ACTIVE: Text = t("Aktif", "Active");
pub const ACCOUNT_INACTIVE: Text = t("Nonaktif", "Inactive");
pub const ACCOUNT_NEW: Text = t("Buat akun baru", "New account");
pub const FULL_NAME: Text = t("Nama lengkap", "Full name");
pub const ROLE: Text = t("Peran", "Role");
pub const AGENCY: Text = t("Instansi", "Agency");
pub const AGENCY_NONE: Text = t("— Tidak ada —", "— None —");
pub const INITIAL_PASSWORD: Text = t("Kata sandi awal", "Initial password");
pub const PASSWORD_HINT: Text = t(
    "Paling sedikit 8 karakter dan tidak mudah ditebak: jangan nama orang, nama desa, tahun, atau 12345678. Contoh yang baik: tiga atau empat kata yang tidak saling berhubungan, dipisah tanda minus. Sampaikan langsung kepada pemilik akun, jangan lewat grup.",
    "At least 8 characters and not easy to guess: no names of people or villages, no years, no 12345678. A good one: three or four unrelated words joined by dashes. Give it to the account's owner in person, not through a group chat.",
);
pub const ACCOUNT_CREATE: Text = t("Buat akun", "Create account");
pub const ACCOUNT_CREATED: Text = t("Akun dibuat.", "Account created.");
pub const ACCOUNT_BAD_USERNAME: Text = t(
    "Nama pengguna hanya boleh huruf kecil, angka, titik, garis bawah dan tanda minus (paling banyak 64).",
    "A username may hold only lower-case letters, digits, dots, underscores and dashes (at most 64).",
);
pub const ACCOUNT_NO_NAME: Text = t("Isi nama lengkap.", "Enter the full name.");
pub const ACCOUNT_SHORT_PASSWORD: Text = t(
    "Kata sandi paling sedikit 8 karakter.",
    "The password needs at least 8 characters.",
);
pub const ACCOUNT_TAKEN: Text = t(
    "Nama pengguna itu sudah dipakai. Pilih nama lain.",
    "That username is already taken. Choose another.",
);
pub const ACCOUNT_REFUSED: Text = t(
    "Server menolak isian ini. Periksa lagi, lalu coba simpan.",
    "The server refused these entries. Check them, then try again.",
);
pub const ACCOUNT_DEACTIVATE: Text = t("Nonaktifkan", "Deactivate");
pub const ACCOUNT_ACTIVATE: Text = t("Aktifkan", "Activate");
pub const ACCOUNT_RESET: Text = t("Ganti kata sandi", "Reset password");
pub const ACCOUNT_DEACTIVATE_CONFIRM: Text = t(
    "Nonaktifkan akun ini? Semua sesi login-nya akan langsung berakhir.",
    "Deactivate this account? All its login sessions end at once.",
);
pub const ACCOUNT_YES_DEACTIVATE: Text = t("Ya, nonaktifkan", "Yes, deactivate");
pub const NEW_PASSWORD: Text = t("Kata sandi baru", "New password");
pub const PASSWORD_SAVE: Text = t("Simpan kata sandi", "Save password");
pub const PASSWORD_RESET_DONE: Text = t(
    "Kata sandi diganti. Semua sesi akun ini berakhir; pemiliknya masuk lagi dengan kata sandi baru.",
    "Password changed. Every session of this account ended; its owner logs in with the new one.",
);
pub const ACCOUNT_NOT_YOURSELF: Text = t(
    "Akun Anda sendiri tidak dapat dinonaktifkan.",
    "You cannot deactivate your own account.",
);
pub const ACCOUNT_GONE: Text = t(
    "Akun ini tidak ditemukan lagi. Muat ulang daftar.",
    "This account no longer exists. Reload the list.",
);
pub const LIAISON_NEEDS_AGENCY: Text = t(
    "Penghubung instansi harus terikat pada satu instansi.",
    "An agency liaison must belong to one agency.",
);
pub const LIAISON_AGENCY_HINT: Text = t(
    "Wajib untuk penghubung instansi: ia hanya melihat rujukan yang ditujukan ke instansi ini.",
    "Required for an agency liaison: they see only the referrals addressed to this agency.",
);
pub const AGENCY_UNKNOWN: Text = t(
    "Instansi ini tidak ada dalam daftar di server. Muat ulang halaman, lalu pilih lagi.",
    "This agency is not in the server's list. Reload the page, then choose again.",
);
pub const AGENCY_NOT_ACTIVE: Text = t(
    "Instansi ini sudah dinonaktifkan. Pilih instansi yang masih aktif.",
    "This agency has been deactivated. Choose one that is still active.",
);
/// After an inactive agency's name in a drop-down list.
pub const AGENCY_INACTIVE_OPTION: Text = t("tidak aktif", "inactive");

pub const AGENCIES_TITLE: Text = t("Instansi", "Agencies");
pub const AGENCIES_WHY: Text = t(
    "Daftar instansi anggota gugus tugas, dipakai untuk layanan, rujukan dan akun penghubung. Instansi tidak pernah dihapus: yang sudah tidak bekerja sama cukup dinonaktifkan, supaya catatan lama tetap terbaca.",
    "The task force's member agencies, used for services, referrals and liaison accounts. An agency is never deleted: one that no longer takes part is deactivated, so old records still read.",
);
pub const AGENCIES_EMPTY: Text = t(
    "Daftar instansi belum termuat di HP ini. Sambungkan ke internet untuk memuatnya.",
    "The agency list is not on this phone yet. Connect to the internet to load it.",
);
pub const AGENCY_INACTIVE_BADGE: Text = t("Tidak aktif", "Inactive");
pub const AGENCY_EDIT: Text = t("Ubah", "Edit");
pub const AGENCY_DEACTIVATE: Text = t("Nonaktifkan", "Deactivate");
pub const AGENCY_REACTIVATE: Text = t("Aktifkan kembali", "Reactivate");
pub const AGENCY_NEW: Text = t("Tambah instansi", "Add an agency");
pub const AGENCY_CHANGE: Text = t("Ubah instansi", "Edit the agency");
pub const AGENCY_CODE: Text = t("Kode", "Code");
pub const AGENCY_CODE_HINT: Text = t(
    "Huruf kecil, angka dan garis bawah, misalnya lsm_mitra. Kode tidak bisa diubah sesudah disimpan.",
    "Lower-case letters, digits and underscores, e.g. lsm_mitra. The code cannot be changed once saved.",
);
pub const AGENCY_NAME_ID: Text = t("Nama (Bahasa Indonesia)", "Name (Indonesian)");
pub const AGENCY_NAME_EN: Text = t("Nama (Bahasa Inggris)", "Name (English)");
pub const AGENCY_KIND: Text = t("Jenis instansi", "Kind of agency");
pub const AGENCY_ADD: Text = t("Tambah instansi", "Add agency");
pub const AGENCY_SAVE: Text = t("Simpan perubahan", "Save changes");
pub const AGENCY_ADDED: Text = t("Instansi ditambahkan.", "Agency added.");
pub const AGENCY_SAVED: Text = t(
    "Perubahan instansi disimpan.",
    "The agency's changes are saved.",
);
pub const AGENCY_BAD_CODE: Text = t(
    "Kode hanya huruf kecil, angka dan garis bawah, paling banyak 32 karakter.",
    "The code may hold only lower-case letters, digits and underscores, at most 32 characters.",
);
pub const AGENCY_BAD_NAME: Text = t(
    "Isi nama instansi dalam Bahasa Indonesia dan Bahasa Inggris, masing-masing paling banyak 120 karakter.",
    "Enter the agency's name in Indonesian and in English, each at most 120 characters.",
);
pub const AGENCY_BAD_KIND: Text = t("Pilih jenis instansi.", "Choose the kind of agency.");
pub const AGENCY_TAKEN: Text = t(
    "Kode ini sudah dipakai instansi lain.",
    "Another agency already uses this code.",
);
pub const AGENCY_OFFLINE: Text = t(
    "Tidak ada sinyal. Coba lagi setelah tersambung.",
    "No signal. Try again once connected.",
);
pub const AGENCY_GONE: Text = t(
    "Instansi ini tidak ditemukan di server. Muat ulang halaman.",
    "This agency is not on the server. Reload the page.",
);
pub const AGENCY_FORBIDDEN: Text = t(
    "Hanya admin yang dapat mengelola instansi.",
    "Only an admin can manage agencies.",
);

pub const ASSIGN_TITLE: Text = t("Penugasan petugas", "Officer assignments");
pub const ASSIGN_HINT: Text = t(
    "Centang petugas yang menangani kasus. Perubahan disimpan di HP ini dan dikirim saat sinkron.",
    "Tick the officers who handle each case. Changes are saved on this device and sent when it syncs.",
);
pub const ASSIGN_EMPTY: Text = t(
    "Belum ada kasus di HP ini. Kasus muncul di sini setelah sinkron.",
    "No cases on this device yet. Cases appear here after a sync.",
);
pub const ASSIGN_OFFLINE: Text = t(
    "Daftar petugas butuh koneksi internet. Yang tampil hanya petugas yang sudah ditugaskan.",
    "The list of officers needs an internet connection. Only officers already assigned are shown.",
);
pub const ASSIGN_FORBIDDEN: Text = t(
    "Daftar petugas hanya dapat dibuka ketua harian, sekretaris, atau admin.",
    "Only the daily chair, the secretary or an admin can open the list of officers.",
);
pub const ASSIGN_NO_OFFICERS: Text = t(
    "Belum ada akun petugas yang aktif.",
    "There are no active officer accounts yet.",
);
pub const ASSIGNED_NONE: Text = t("Belum ada petugas", "No officer yet");

pub const AUDIT_TITLE: Text = t("Jejak audit", "Audit trail");
pub const AUDIT_OFFLINE: Text = t(
    "Butuh koneksi internet untuk membuka jejak audit.",
    "Opening the audit trail needs an internet connection.",
);
pub const AUDIT_FORBIDDEN: Text = t(
    "Akun Anda tidak dapat membuka jejak audit.",
    "Your account cannot open the audit trail.",
);
pub const AUDIT_BAD_FILTER: Text = t(
    "ID data harus berupa kode lengkap (UUID), dan tanggal awal tidak boleh sesudah tanggal akhir.",
    "A record id must be a full id (UUID), and the first date may not be after the last.",
);
pub const AUDIT_USER: Text = t("Pengguna", "User");
pub const AUDIT_RECORD: Text = t("ID data", "Record id");
pub const AUDIT_LOAD: Text = t("Tampilkan", "Show");
pub const AUDIT_MORE: Text = t("Muat lebih lama", "Load older");
pub const AUDIT_EMPTY: Text = t(
    "Tidak ada catatan audit yang cocok.",
    "No audit entries match.",
);
pub const ACTION_MUTATION: Text = t("Mengubah data", "Changed a record");
pub const ACTION_IDENTITY_READ: Text = t("Membuka identitas korban", "Opened a victim's identity");
pub const ACTION_EXPORT: Text = t("Mengekspor", "Exported");
pub const ACTION_ACCOUNT: Text = t("Mengubah akun", "Changed an account");
pub const AUDIT_FIELDS: Text = t("Kolom", "Fields");
pub const CHANGE_CREATED: Text = t("Akun dibuat", "Account created");
pub const CHANGE_DEACTIVATED: Text = t("Akun dinonaktifkan", "Account deactivated");
pub const CHANGE_ACTIVATED: Text = t("Akun diaktifkan", "Account activated");
pub const CHANGE_PASSWORD: Text = t(
    "Kata sandi diatur ulang oleh admin",
    "Password reset by an admin",
);
pub const CHANGE_OWN_PASSWORD: Text = t("Kata sandi diganti sendiri", "Password changed");
pub const CHANGE_SESSION_ENDED: Text = t("Sesi login diakhiri", "Login session ended");
pub const CHANGE_LOGOUT: Text = t("Keluar dari aplikasi", "Logged out");
pub const ACTION_LOGIN: Text = t("Masuk", "Logged in");
pub const ACTION_IDENTITY_MIGRATED: Text =
    t("Identitas lama dienkripsi", "Old identities encrypted");
pub const LOGIN_SUCCEEDED: Text = t("Berhasil", "Succeeded");
pub const LOGIN_WRONG_PASSWORD: Text = t("Gagal: kata sandi salah", "Failed: wrong password");
pub const LOGIN_INACTIVE: Text = t("Gagal: akun dinonaktifkan", "Failed: account deactivated");
pub const LOGIN_UNKNOWN_ACCOUNT: Text = t(
    "Gagal: nama pengguna tidak terdaftar",
    "Failed: no account has that username",
);
pub const LOGIN_FROM: Text = t("dari", "from");
pub const AUDIT_NO_ACCOUNT: Text = t("(tanpa akun)", "(no account)");
pub const OP_DELETE: Text = t("Dihapus", "Deleted");

pub const KIND_CASE: Text = t("Kasus", "Case");
pub const KIND_VICTIM: Text = t("Korban", "Victim");
pub const KIND_VICTIM_IDENTITY: Text = t("Identitas korban", "Victim's identity");
pub const KIND_SERVICE: Text = t("Layanan", "Service");
pub const KIND_LEGAL_STEP: Text = t("Proses hukum", "Legal step");
pub const KIND_NOTE: Text = t("Catatan", "Note");
pub const KIND_ACTIVITY: Text = t("Kegiatan", "Activity");
pub const ROLE_LIAISON: Text = t("Penghubung instansi", "Agency liaison");
pub const KIND_USER: Text = t("Akun", "Account");

/// A role in words.
pub fn role_label(role: gugus_model::api::Role) -> Text {
    use gugus_model::api::Role;
    match role {
        Role::Officer => ROLE_OFFICER,
        Role::Supervisor => ROLE_SUPERVISOR,
        Role::Viewer => ROLE_VIEWER,
        Role::Admin => ROLE_ADMIN,
        Role::Liaison => ROLE_LIAISON,
    }
}

/// A record kind's wire name in words (`user` for an account); `None` for an unknown one.
pub fn kind_label(kind: &str) -> Option<Text> {
    Some(match kind {
        "case" => KIND_CASE,
        "victim" => KIND_VICTIM,
        "victim_identity" => KIND_VICTIM_IDENTITY,
        "service" => KIND_SERVICE,
        "legal_step" => KIND_LEGAL_STEP,
        "note" => KIND_NOTE,
        "activity" => KIND_ACTIVITY,
        "referral" => KIND_REFERRAL,
        "referral_step" => KIND_REFERRAL_STEP,
        "user" => KIND_USER,
        _ => return None,
    })
}

// --- Cases ---------------------------------------------------------------------------

pub const NAV_CASES: Text = t("Kasus", "Cases");
pub const CASES_TITLE: Text = t("Daftar kasus", "Cases");
pub const CASES_EMPTY: Text = t(
    "Belum ada kasus di HP ini. Kasus yang Anda catat atau yang ditugaskan kepada Anda muncul di sini.",
    "No cases on this phone yet. Cases you record or are assigned to show here.",
);
pub const CASES_NO_MATCH: Text = t(
    "Tidak ada kasus yang cocok. Ubah kata pencarian atau saringannya.",
    "No case matches. Change the search words or the filters.",
);
pub const CASE_SEARCH: Text = t(
    "Cari ringkasan, modus, kecamatan atau inisial korban",
    "Search summary, modus, district or victim's initials",
);
pub const ALL_STATUSES: Text = t("Semua status", "Every status");
pub const ALL_MODUS: Text = t("Semua modus", "Every modus");
pub const ALL_KECAMATAN: Text = t("Semua kecamatan", "Every district");
pub const CASE_ADD: Text = t("+ Catat kasus", "+ New case");
pub const CASE_NEW: Text = t("Catat kasus baru", "New case");
pub const CASE_EDIT: Text = t("Ubah data kasus", "Edit case");
pub const CASE_EDIT_BUTTON: Text = t("Ubah data kasus", "Edit case");
pub const BACK_TO_CASES: Text = t("← Daftar kasus", "← Cases");
pub const BACK_TO_CASE: Text = t("← Kembali ke kasus", "← Back to the case");
pub const VICTIMS: Text = t("Korban", "Victims");
pub const VICTIMS_NONE: Text = t("Belum ada korban yang dicatat.", "No victim recorded yet.");
pub const VICTIM_ADD: Text = t("+ Tambah korban", "+ Add a victim");
pub const VICTIM_NEW: Text = t("Catat korban", "New victim");
pub const VICTIM_EDIT: Text = t("Ubah data korban", "Edit victim");
pub const VICTIM_EDIT_BUTTON: Text = t("Ubah", "Edit");
pub const SERVICES_NONE: Text = t("Belum ada layanan.", "No service yet.");
pub const SERVICE_ADD: Text = t("+ Tambah layanan", "+ Add a service");
pub const SERVICE_NEW: Text = t("Catat layanan", "New service");
pub const SERVICE_EDIT: Text = t("Ubah layanan", "Edit service");
pub const SERVICE_LATE: Text = t(
    "Lebih dari 7 hari (UU 21/2007 pasal 51)",
    "Over 7 days (Law 21/2007, art. 51)",
);
pub const LEGAL_STEPS: Text = t("Proses hukum", "Legal steps");
pub const LEGAL_STEPS_NONE: Text = t("Belum ada proses hukum.", "No legal step yet.");
pub const LEGAL_STEP_ADD: Text = t("+ Tambah proses hukum", "+ Add a legal step");
pub const LEGAL_STEP_NEW: Text = t("Catat proses hukum", "New legal step");
pub const LEGAL_STEP_EDIT: Text = t("Ubah proses hukum", "Edit legal step");
pub const NOTES: Text = t("Catatan", "Notes");
pub const NOTES_NONE: Text = t("Belum ada catatan.", "No note yet.");
pub const NOTE_ADD: Text = t("+ Tulis catatan", "+ Write a note");
pub const NOTE_NEW: Text = t("Tulis catatan", "New note");
pub const NOTE_HINT: Text = t(
    "Catatan tidak bisa diubah sesudah disimpan.",
    "A note cannot be changed once saved.",
);
pub const YES: Text = t("Ya", "Yes");
pub const NO: Text = t("Tidak", "No");

/// "27 tahun".
pub fn age(years: u64, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("{years} tahun"),
        Lang::En => format!("{years} years old"),
    }
}

/// How long a service took ("diberikan dalam 10 hari"), or has waited so far.
pub fn service_days(days: i64, delivered: bool, lang: Lang) -> String {
    let n = number(days.max(0).unsigned_abs(), lang);
    match (lang, delivered) {
        (Lang::Id, true) => format!("diberikan dalam {n} hari"),
        (Lang::Id, false) => format!("sudah menunggu {n} hari"),
        (Lang::En, true) => format!("delivered in {n} days"),
        (Lang::En, false) => format!("waiting for {n} days"),
    }
}

// --- Referrals (issue #19) -------------------------------------------------------------

pub const KIND_REFERRAL: Text = t("Rujukan", "Referral");
pub const KIND_REFERRAL_STEP: Text = t("Langkah rujukan", "Referral step");
pub const REFERRAL_NEW_BUTTON: Text = t("Rujuk ke instansi", "Refer to an agency");
pub const REFERRAL_NEW_TITLE: Text = t("Rujuk ke instansi", "Refer to an agency");
pub const REFERRAL_AGAIN_TITLE: Text = t("Rujuk ke instansi lain", "Refer to another agency");
pub const REFERRAL_REREFER: Text = t("Rujuk ke instansi lain", "Refer to another agency");
pub const REFERRAL_FOR_VICTIM: Text = t("Korban", "Victim");
pub const REFERRAL_SHARED: Text = t(
    "Data yang dibagikan ke instansi",
    "Information shared with the agency",
);
pub const REFERRAL_SHARED_HINT: Text = t(
    "Instansi hanya melihat yang Anda centang di sini. Nama, NIK dan alamat korban tidak ikut, kecuali Anda membagikan identitasnya di bawah.",
    "The agency sees only what you tick here. The victim's name, NIK and address stay out, unless you share the identity below.",
);
pub const REFERRAL_SHARE_IDENTITY_HINT: Text = t(
    "Hanya penghubung instansi ini yang bisa membuka nama, NIK dan alamat korban, dan hanya sampai rujukan ditolak, dibatalkan, atau layanannya sudah diberikan.",
    "Only this agency's liaison can open the victim's name, NIK and address, and only until the referral is declined, cancelled or the service delivered.",
);
pub const REFERRAL_IDENTITY_SHARED: Text = t("Identitas dibagikan", "Identity shared");
pub const REFERRAL_IDENTITY_TITLE: Text = t("Identitas korban", "The victim's identity");
pub const REFERRAL_IDENTITY_HINT: Text = t(
    "Dibagikan petugas yang merujuk, hanya untuk layanan ini. Identitas ini terhapus dari HP Anda saat rujukan ditolak, dibatalkan, atau layanannya sudah diberikan.",
    "Shared by the referring officer for this service only. It is removed from your phone once the referral is declined, cancelled or the service delivered.",
);
pub const REFERRAL_IDENTITY_NOT_SHARED: Text = t(
    "Identitas belum dibagikan kepada Anda. Kuncinya terkirim saat HP petugas yang merujuk tersinkron; setelah HP Anda juga tersinkron, identitas akan tampil di sini.",
    "The identity has not been shared with you yet. Its key is sent when the referring officer's phone syncs; once your phone syncs too, it will show here.",
);
pub const REFERRAL_NOT_RECORDED: Text = t("belum dicatat", "not recorded");
pub const REFERRAL_SUBMIT: Text = t("Kirim rujukan", "Send the referral");
pub const REFERRAL_SAVE_HINT: Text = t(
    "Rujukan disimpan di HP dulu dan terkirim saat ada sinyal.",
    "The referral is saved on the phone first and sent when there is signal.",
);
pub const REFERRAL_VICTIM_MISSING: Text = t(
    "Korban ini tidak ada di HP ini.",
    "This victim is not on this phone.",
);
pub const REFERRALS_TITLE: Text = t("Rujukan ke instansi", "Referrals to agencies");
pub const REFERRALS_NONE: Text = t("Belum ada rujukan.", "No referral yet.");
pub const REFERRAL_OPEN_PAGE: Text = t("Lihat rujukan", "Open the referral");
pub const REFERRAL_OPEN: Text = t("Menunggu jawaban", "Awaiting an answer");
pub const REFERRAL_ACCEPTED: Text = t("Diterima", "Accepted");
pub const REFERRAL_DECLINED: Text = t("Ditolak", "Declined");
pub const REFERRAL_DELIVERED: Text = t("Layanan diberikan", "Service delivered");
pub const REFERRAL_CANCELLED: Text = t("Dibatalkan", "Cancelled");
pub const BADGE_OVERDUE: Text = t("Lewat batas waktu", "Past the due date");
pub const REFERRAL_SENT: Text = t("Dirujuk", "Referred");
pub const REFERRAL_STEP_REFUSED: Text = t("Tidak diterima server", "Refused by the server");
pub const REFERRAL_REFUSED_FORBIDDEN: Text = t(
    "Server menolak: akun Anda tidak boleh mengambil langkah ini.",
    "Refused by the server: your account may not take this step.",
);
pub const REFERRAL_CANCEL: Text = t("Batalkan rujukan", "Cancel the referral");
pub const REFERRAL_CANCEL_CONFIRM: Text = t(
    "Batalkan rujukan ini? Instansi akan melihat bahwa rujukan dibatalkan, dan tidak bisa dibuka lagi.",
    "Cancel this referral? The agency will see that it was cancelled, and it cannot be reopened.",
);
pub const REFERRAL_CANCEL_YES: Text = t("Ya, batalkan", "Yes, cancel it");
pub const REFERRAL_CANCEL_NO: Text = t("Tidak jadi", "Keep it");
pub const REFERRAL_STEP_FAILED: Text = t(
    "Gagal menyimpan di HP ini. Coba lagi.",
    "Could not save on this phone. Try again.",
);
pub const REFERRAL_PAGE_TITLE: Text = t("Rujukan", "Referral");
pub const REFERRAL_NOT_FOUND: Text = t(
    "Rujukan ini tidak ada di HP ini.",
    "This referral is not on this phone.",
);
pub const REFERRAL_ASKED: Text = t("Yang diminta", "What is asked");
pub const REFERRAL_FACTS: Text = t("Data korban dari petugas", "What the officer shared");
pub const REFERRAL_NO_FACTS: Text = t(
    "Petugas tidak membagikan jenis kelamin, kelompok usia, kecamatan, modus, maupun kebutuhan korban.",
    "The officer shared none of the victim's sex, age group, kecamatan, modus or needs.",
);
pub const REFERRAL_HISTORY: Text = t("Riwayat", "History");
pub const REFERRAL_ANSWER_TITLE: Text = t("Jawaban instansi", "The agency's answer");
pub const REFERRAL_ACCEPT: Text = t("Terima", "Accept");
pub const REFERRAL_DECLINE: Text = t("Tolak", "Decline");
pub const REFERRAL_DECLINE_SUBMIT: Text = t("Kirim penolakan", "Send the decline");
pub const REFERRAL_DELIVER: Text = t("Layanan sudah diberikan", "Service delivered");
pub const REFERRAL_DELIVER_SUBMIT: Text = t("Catat layanan diberikan", "Record the delivery");
pub const REFERRAL_DELIVER_DATE: Text = t("Tanggal layanan diberikan", "Date delivered");
pub const REFERRAL_NOTE: Text = t("Catatan untuk petugas", "Note for the officer");
pub const REFERRAL_ANSWER_HINT: Text = t(
    "Jawaban disimpan di HP dulu dan terkirim saat ada sinyal.",
    "The answer is saved on the phone first and sent when there is signal.",
);
pub const BACK_HOME: Text = t("← Beranda", "← Home");
pub const LIAISON_NEW: Text = t("Rujukan baru", "New referrals");
pub const LIAISON_NEW_HINT: Text = t(
    "Terima atau tolak setiap rujukan, dengan alasannya bila ditolak.",
    "Accept or decline each referral, with the reason when declining.",
);
pub const LIAISON_NEW_NONE: Text = t("Tidak ada rujukan baru.", "No new referral.");
pub const LIAISON_OVERDUE: Text = t("Lewat batas waktu", "Past the due date");
pub const LIAISON_OVERDUE_HINT: Text = t(
    "Belum selesai padahal sudah lewat tanggal yang dibutuhkan. Jawab atau catat layanannya.",
    "Not done although past the date needed. Answer, or record the service.",
);
pub const LIAISON_OVERDUE_NONE: Text = t(
    "Tidak ada rujukan yang lewat batas waktu.",
    "No referral is past its due date.",
);
pub const LIAISON_ACCEPTED: Text = t("Sedang ditangani", "Accepted, in hand");
pub const LIAISON_ACCEPTED_HINT: Text = t(
    "Sudah diterima. Catat bila layanannya sudah diberikan.",
    "Accepted. Record it when the service has been delivered.",
);
pub const LIAISON_ACCEPTED_NONE: Text = t(
    "Tidak ada rujukan yang sedang ditangani.",
    "No accepted referral in hand.",
);
pub const HOME_REFERRALS_DECLINED: Text = t("Rujukan yang ditolak", "Declined referrals");
pub const HOME_REFERRALS_DECLINED_HINT: Text = t(
    "Buka kasusnya, lalu rujuk ke instansi lain.",
    "Open the case, then refer to another agency.",
);
pub const HOME_REFERRALS_DECLINED_NONE: Text =
    t("Tidak ada rujukan yang ditolak.", "No declined referral.");
pub const HOME_REFERRALS_UNANSWERED: Text = t("Rujukan belum dijawab", "Referrals not answered");
pub const HOME_REFERRALS_UNANSWERED_HINT: Text = t(
    "Belum dijawab instansi lebih dari 2 hari. Hubungi instansinya.",
    "Not answered by the agency for over 2 days. Contact the agency.",
);
pub const HOME_REFERRALS_UNANSWERED_NONE: Text = t(
    "Tidak ada rujukan yang menunggu jawaban lebih dari 2 hari.",
    "No referral has waited over 2 days for an answer.",
);

/// A referral's status in words.
pub fn referral_status(status: gugus_model::referral::Status) -> Text {
    use gugus_model::referral::Status;
    match status {
        Status::Open => REFERRAL_OPEN,
        Status::Accepted => REFERRAL_ACCEPTED,
        Status::Declined => REFERRAL_DECLINED,
        Status::Delivered => REFERRAL_DELIVERED,
        Status::Cancelled => REFERRAL_CANCELLED,
    }
}

/// When a referred service is needed: "paling lambat 27 Nov 2026".
pub fn needed_by(date: Date, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("paling lambat {}", date_short(date, lang)),
        Lang::En => format!("needed by {}", date_short(date, lang)),
    }
}

/// How long ago a referral was made: "dirujuk 18 Nov 2026, 4 hari lalu".
pub fn referred_days_ago(date: Date, days: i64, lang: Lang) -> String {
    let n = number(days.max(0).unsigned_abs(), lang);
    match lang {
        Lang::Id => format!("dirujuk {}, {n} hari lalu", date_short(date, lang)),
        Lang::En => format!("referred on {}, {n} days ago", date_short(date, lang)),
    }
}

/// How far past its due date a referral is: "lewat 3 hari".
pub fn days_past_due(days: i64, lang: Lang) -> String {
    let n = number(days.max(0).unsigned_abs(), lang);
    match lang {
        Lang::Id => format!("lewat {n} hari dari batas waktu"),
        Lang::En => format!("{n} days past the due date"),
    }
}

/// The declined referral a new one replaces: "Menggantikan rujukan ke Dinsos yang ditolak."
pub fn replaces_declined(agency: &str, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("Menggantikan rujukan ke {agency} yang ditolak."),
        Lang::En => format!("Replaces the declined referral to {agency}."),
    }
}

// --- Home and settings -----------------------------------------------------------------

pub const NAV_HOME: Text = t("Beranda", "Home");
pub const NAV_SETTINGS: Text = t("Setelan", "Settings");

pub const HOME_TITLE: Text = t("Perlu perhatian", "Needs attention");
pub const HOME_SYNC: Text = t("Pengiriman data", "Sending data");
pub const HOME_ALL_SENT: Text = t(
    "Semua perubahan sudah terkirim ke server.",
    "Every change has reached the server.",
);
pub const HOME_OVERDUE: Text = t(
    "Layanan terlambat (lebih dari 7 hari)",
    "Late services (over 7 days)",
);
pub const HOME_OVERDUE_HINT: Text = t(
    "Layanan yang sudah diajukan tetapi belum diberikan lebih dari 7 hari (UU 21/2007 pasal 51).",
    "Services requested but not delivered for more than 7 days (Law 21/2007, art. 51).",
);
pub const HOME_OVERDUE_NONE: Text = t("Tidak ada layanan yang terlambat.", "No service is late.");
pub const HOME_OVERDUE_NO_CASE: Text =
    t("Kasus tidak ditemukan di HP ini", "Case not on this phone");
pub const HOME_OPEN_CASE: Text = t("Buka kasus", "Open the case");
pub const HOME_CONFLICTS: Text = t("Data bentrok", "Conflicts");
pub const HOME_CONFLICTS_NONE: Text =
    t("Tidak ada data yang bentrok.", "No record has a conflict.");
pub const HOME_CONFLICT_HINT: Text = t(
    "Diubah di dua tempat. Buka, lalu pilih nilai yang benar.",
    "Changed in two places. Open it and choose the right value.",
);
pub const HOME_REJECTED: Text = t("Ditolak server", "Refused by the server");
pub const HOME_REJECTED_NONE: Text = t(
    "Tidak ada perubahan yang ditolak server.",
    "The server refused no change.",
);
pub const HOME_REJECTED_HINT: Text = t(
    "Server menolak perubahan ini. Buka, perbaiki, lalu simpan lagi.",
    "The server refused this change. Open it, fix it, then save again.",
);

pub const SETTINGS_TITLE: Text = t("Pengaturan", "Settings");
pub const SETTINGS_LANGUAGE: Text = t("Bahasa", "Language");
pub const LANG_NAME_ID: Text = t("Bahasa Indonesia", "Bahasa Indonesia");
pub const LANG_NAME_EN: Text = t("English", "English");
pub const LANG_REMEMBERED: Text = t(
    "Pilihan bahasa disimpan di HP ini.",
    "The choice is remembered on this phone.",
);
pub const SETTINGS_ACCOUNT: Text = t("Akun saya", "My account");
pub const SETTINGS_PASSWORD: Text = t("Ganti kata sandi", "Change password");
pub const PASSWORD_CHANGE_HINT: Text = t(
    "Perlu sinyal. Sesudah diganti, HP lain yang memakai akun ini harus masuk lagi dengan kata sandi baru.",
    "Needs a connection. Afterwards, other phones using this account must log in again with the new password.",
);
pub const PASSWORD_CURRENT: Text = t("Kata sandi sekarang", "Current password");
pub const PASSWORD_NEW: Text = t("Kata sandi baru", "New password");
pub const PASSWORD_REPEAT: Text = t("Ulangi kata sandi baru", "New password again");
pub const PASSWORD_SUBMIT: Text = t("Ganti kata sandi", "Change password");
pub const PASSWORD_CHANGING: Text = t("Mengganti…", "Changing…");
pub const PASSWORD_CHANGED: Text = t(
    "Kata sandi sudah diganti. Pakai kata sandi baru untuk membuka aplikasi mulai sekarang.",
    "Your password is changed. Use the new one to open the app from now on.",
);
pub const PASSWORD_FILL_ALL: Text = t(
    "Isi ketiga kolom kata sandi.",
    "Fill in all three password fields.",
);
pub const PASSWORD_MISMATCH: Text = t(
    "Kata sandi baru dan ulangannya tidak sama.",
    "The new password and its repeat differ.",
);
pub const PASSWORD_SAME: Text = t(
    "Kata sandi baru sama dengan yang sekarang.",
    "The new password is the current one.",
);
pub const PASSWORD_CURRENT_WRONG: Text = t(
    "Kata sandi sekarang salah.",
    "The current password is wrong.",
);
pub const PASSWORD_OFFLINE: Text = t(
    "Tidak ada sinyal. Kata sandi hanya bisa diganti saat online; tidak ada yang berubah.",
    "No connection. The password can only be changed online; nothing changed.",
);
pub const PASSWORD_TOO_MANY: Text = t(
    "Terlalu banyak percobaan salah. Coba lagi 15 menit lagi.",
    "Too many wrong tries. Try again in 15 minutes.",
);
pub const PASSWORD_NOT_CHANGED: Text = t(
    "Kata sandi belum bisa diganti. Coba lagi sebentar lagi; tidak ada yang berubah.",
    "The password could not be changed. Try again shortly; nothing changed.",
);
pub const PASSWORD_SAVED_ONLY_ON_SERVER: Text = t(
    "Kata sandi sudah diganti di server, tetapi HP ini belum bisa menyimpannya. Saat aplikasi dibuka lagi, masukkan kata sandi lama sekali.",
    "The password is changed on the server, but this phone could not store it. When the app opens again, enter the old password once.",
);
pub const UNLOCK_OLD_WHY: Text = t(
    "Data di HP ini masih terkunci dengan kata sandi lama Anda. Masukkan kata sandi lama itu sekali ini; sesudahnya cukup kata sandi baru.",
    "The data on this phone is still locked with your old password. Enter that old password this once; after that the new one is enough.",
);
pub const SETTINGS_SESSIONS: Text = t("Sesi login", "Login sessions");
pub const SESSIONS_HINT: Text = t(
    "Setiap HP atau komputer tempat Anda masuk punya satu sesi. Akhiri sesi perangkat yang hilang atau bukan milik Anda.",
    "Every phone or computer you logged in on has a session. End the session of a device that is lost or not yours.",
);
pub const SESSION_THIS_DEVICE: Text = t("HP ini", "This device");
pub const SESSION_OTHER_DEVICE: Text = t("Perangkat lain", "Another device");
pub const SESSION_CREATED: Text = t("Masuk", "Logged in");
pub const SESSION_LAST_SEEN: Text = t("Terakhir dipakai", "Last used");
pub const SESSION_CURRENT_NOTE: Text = t(
    "Sesi ini berakhir saat Anda menekan Keluar di atas.",
    "This session ends when you tap Log out above.",
);
pub const SESSION_END: Text = t("Akhiri sesi ini", "End this session");
pub const SESSION_ENDING: Text = t("Mengakhiri…", "Ending…");
pub const SESSION_ENDED: Text = t(
    "Sesi diakhiri. Perangkat itu harus masuk lagi untuk sinkronisasi; data di perangkat itu tidak hilang.",
    "Session ended. That device must log in again to sync; its data is not lost.",
);
pub const SESSION_GONE: Text = t(
    "Sesi itu sudah berakhir sebelumnya.",
    "That session had already ended.",
);
pub const SESSIONS_ONLY_THIS: Text = t(
    "Hanya HP ini yang sedang masuk dengan akun Anda.",
    "Only this device is logged in with your account.",
);
pub const SESSIONS_RELOAD: Text = t("Muat ulang daftar", "Reload the list");
pub const SESSIONS_OFFLINE: Text = t(
    "Daftar sesi butuh koneksi internet. Sambungkan HP, lalu ketuk Muat ulang daftar.",
    "The list of sessions needs an internet connection. Connect, then tap Reload the list.",
);
pub const SESSIONS_EXPIRED: Text = t(
    "Sesi HP ini sudah berakhir, jadi daftar sesi tidak dapat dibuka. Masuk lagi; data di HP ini tetap aman.",
    "This device's session has ended, so the list cannot be opened. Log in again; the data on this phone is safe.",
);
pub const SESSIONS_FAILED: Text = t(
    "Server sedang bermasalah. Coba lagi sebentar lagi.",
    "The server has a problem. Try again shortly.",
);
pub const SETTINGS_STORAGE: Text = t("Penyimpanan di HP", "Storage on this phone");
pub const STORAGE_PERSISTED: Text = t(
    "Dijaga: browser tidak menghapus data aplikasi ini walau ruang penyimpanan HP menipis.",
    "Protected: the browser keeps this app's data even when the phone runs short of space.",
);
pub const STORAGE_NOT_PERSISTED: Text = t(
    "Belum dijaga: browser boleh menghapus data aplikasi ini bila ruang penyimpanan HP hampir penuh. Sinkronkan sesering mungkin.",
    "Not protected: the browser may delete this app's data when the phone is almost full. Sync as often as you can.",
);
pub const STORAGE_UNKNOWN: Text = t(
    "Browser ini tidak memberi tahu apakah data dijaga.",
    "This browser does not tell whether the data is protected.",
);
pub const STORAGE_ASK: Text = t("Minta agar data dijaga", "Ask to protect the data");
pub const STORAGE_GRANTED: Text = t(
    "Diizinkan: data aplikasi di HP ini dijaga.",
    "Granted: this app's data on the phone is protected.",
);
pub const STORAGE_REFUSED: Text = t(
    "Browser belum mengizinkan. Biasanya diizinkan setelah aplikasi dipasang lewat \u{201c}Tambahkan ke layar utama\u{201d}.",
    "The browser did not allow it yet. It usually does once the app is installed with \u{201c}Add to Home screen\u{201d}.",
);
pub const STORAGE_USED: Text = t("Ruang terpakai", "Space used");
pub const STORAGE_RECORDS: Text = t("Catatan di HP ini", "Records on this phone");
pub const STORAGE_PENDING: Text = t("Perubahan belum terkirim", "Changes not sent yet");
pub const UNKNOWN: Text = t("Tidak diketahui", "Unknown");

/// "3 perubahan belum terkirim ke server".
pub fn pending_changes(n: usize, lang: Lang) -> String {
    let n = number(n as u64, lang);
    match lang {
        Lang::Id => format!("{n} perubahan belum terkirim ke server"),
        Lang::En => format!("{n} changes not yet sent to the server"),
    }
}

/// "Akses ke 3 kasus dipulihkan; 5 kunci dibagikan." (`restored`: `None` for a re-share).
pub fn access_done(restored: Option<usize>, shared: usize, lang: Lang) -> String {
    let shared_n = number(shared as u64, lang);
    match (restored, lang) {
        (Some(n), Lang::Id) => format!(
            "Akses ke {} kasus dipulihkan; {shared_n} kunci dibagikan. Kunci terkirim saat sinkron.",
            number(n as u64, lang)
        ),
        (Some(n), Lang::En) => format!(
            "Access to {} cases restored; {shared_n} keys shared. They are sent at the sync.",
            number(n as u64, lang)
        ),
        (None, Lang::Id) => format!("{shared_n} kunci dibagikan. Kunci terkirim saat sinkron."),
        (None, Lang::En) => format!("{shared_n} keys shared. They are sent at the sync."),
    }
}

/// A size in bytes, in decimal units with one decimal under 10: "1,2 MB" ("1.2 MB").
pub fn bytes(n: f64, lang: Lang) -> String {
    let n = if n.is_finite() { n.max(0.0) } else { 0.0 };
    let (value, unit) = if n >= 1e9 {
        (n / 1e9, "GB")
    } else if n >= 1e6 {
        (n / 1e6, "MB")
    } else if n >= 1e3 {
        (n / 1e3, "KB")
    } else {
        (n, "B")
    };
    let tenths = (value * 10.0).round() as u64;
    if unit != "B" && tenths < 100 {
        let sep = match lang {
            Lang::Id => ',',
            Lang::En => '.',
        };
        format!("{}{sep}{} {unit}", tenths / 10, tenths % 10)
    } else {
        format!("{} {unit}", number(value.round() as u64, lang))
    }
}

/// "1,2 MB dari 300 MB".
pub fn usage(used: f64, quota: f64, lang: Lang) -> String {
    let of = match lang {
        Lang::Id => "dari",
        Lang::En => "of",
    };
    format!("{} {of} {}", bytes(used, lang), bytes(quota, lang))
}

// --- Sentences with numbers ------------------------------------------------------------

/// "3 belum terkirim".
pub fn pending(n: usize, lang: Lang) -> String {
    let n = number(n as u64, lang);
    match lang {
        Lang::Id => format!("{n} belum terkirim"),
        Lang::En => format!("{n} not sent yet"),
    }
}

/// The case list's line when more cases match than it draws.
pub fn cases_shown(shown: usize, total: usize, lang: Lang) -> String {
    let (shown, total) = (number(shown as u64, lang), number(total as u64, lang));
    match lang {
        Lang::Id => format!(
            "Menampilkan {shown} kasus terbaru dari {total} yang cocok. Persempit pencarian untuk melihat yang lain."
        ),
        Lang::En => format!(
            "Showing the {shown} newest of {total} matching cases. Narrow the search to see the others."
        ),
    }
}

/// What the participant counts take: who counts, an empty box, the ceiling and why.
pub fn participants_hint(lang: Lang) -> String {
    use gugus_model::activity::MAX_PARTICIPANTS;
    use gugus_model::field::grouped;
    match lang {
        Lang::Id => format!(
            "Jumlah orang yang hadir, menurut jenis kelamin dan usia (anak: di bawah 18 tahun). Kolom yang dikosongkan dihitung 0 saat disimpan. Paling banyak {} orang per kolom: acara yang lebih besar dicatat per sesi.",
            grouped(MAX_PARTICIPANTS, '.')
        ),
        Lang::En => format!(
            "People who attended, by sex and age (children: under 18). A box left empty counts as 0 when saved. At most {} people per box: record a bigger event session by session.",
            grouped(MAX_PARTICIPANTS, ',')
        ),
    }
}

/// "3 layanan terlambat, terlama 28 hari".
pub fn overdue_count(n: usize, longest: i64, lang: Lang) -> String {
    let (n, days) = (
        number(n as u64, lang),
        number(longest.max(0).unsigned_abs(), lang),
    );
    match lang {
        Lang::Id => format!("{n} layanan terlambat, terlama {days} hari"),
        Lang::En => format!("{n} late services, the longest {days} days"),
    }
}

/// The warning before logging out with changes that are not sent yet.
pub fn logout_warning(n: usize, lang: Lang) -> String {
    let n = number(n as u64, lang);
    match lang {
        Lang::Id => format!(
            "Masih ada {n} perubahan yang belum terkirim ke server. Jika keluar sekarang, perubahan itu HILANG. Sebaiknya sinkronkan dulu saat ada sinyal."
        ),
        Lang::En => format!(
            "{n} changes have not reached the server yet. Logging out now LOSES them. Better sync first when there is a signal."
        ),
    }
}

/// "Periode 1 Nov 2026 – 29 Nov 2026".
pub fn period(from: Date, to: Date, lang: Lang) -> String {
    let word = t("Periode", "Period").get(lang);
    format!(
        "{word} {} – {}",
        date_short(from, lang),
        date_short(to, lang)
    )
}

/// "Terakhir sinkron 29 Nov 2026 14.05".
pub fn last_sync(date: Date, hour: u8, minute: u8, lang: Lang) -> String {
    let (sep, label) = match lang {
        Lang::Id => ('.', LAST_SYNC.id),
        Lang::En => (':', LAST_SYNC.en),
    };
    format!(
        "{label} {} {hour:02}{sep}{minute:02}",
        date_short(date, lang)
    )
}

/// When the last sync was, in a few characters for the sync line: "14.05" today,
/// "29 Nov 14.05" another day of this year, the whole date before that.
pub fn last_sync_short(date: Date, hour: u8, minute: u8, today: Date, lang: Lang) -> String {
    let sep = match lang {
        Lang::Id => '.',
        Lang::En => ':',
    };
    let day = match (date == today, date.year() == today.year()) {
        (true, _) => String::new(),
        (false, true) => {
            let full = date_short(date, lang);
            let year = format!(" {}", date.year());
            format!("{} ", full.strip_suffix(&year).unwrap_or(&full))
        }
        (false, false) => format!("{} ", date_short(date, lang)),
    };
    format!("{day}{hour:02}{sep}{minute:02}")
}

/// Western Indonesian Time (UTC+7), the time of Purbalingga.
const WIB_SECONDS: i32 = 7 * 3600;

/// A server time (unix seconds) in WIB: "29 Nov 2026 10.20 WIB" ("10:20" in English).
pub fn date_time_wib(unix: i64, lang: Lang) -> String {
    let offset = time::UtcOffset::from_whole_seconds(WIB_SECONDS).unwrap_or(time::UtcOffset::UTC);
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(unix) else {
        return String::new();
    };
    let at = at.to_offset(offset);
    let sep = match lang {
        Lang::Id => '.',
        Lang::En => ':',
    };
    format!(
        "{} {:02}{sep}{:02} WIB",
        date_short(at.date(), lang),
        at.hour(),
        at.minute()
    )
}

// --- Dates and numbers -----------------------------------------------------------------

const MONTHS_SHORT_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];
const MONTHS_SHORT_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "2 Nov 2026" (both languages put the day first).
pub fn date_short(date: Date, lang: Lang) -> String {
    let months = match lang {
        Lang::Id => MONTHS_SHORT_ID,
        Lang::En => MONTHS_SHORT_EN,
    };
    let month = months[usize::from(u8::from(date.month())) - 1];
    format!("{} {month} {}", date.day(), date.year())
}

/// A month's name (1 is January).
pub fn month_name(month: u8, lang: Lang) -> &'static str {
    gugus_model::lang::month_name(month, lang)
}

/// A month's short name: "Agu", "Aug".
pub fn month_short(month: u8, lang: Lang) -> &'static str {
    let months = match lang {
        Lang::Id => MONTHS_SHORT_ID,
        Lang::En => MONTHS_SHORT_EN,
    };
    months[usize::from(month.clamp(1, 12)) - 1]
}

/// "2 November 2026".
pub fn date_long(date: Date, lang: Lang) -> String {
    let month = month_name(u8::from(date.month()), lang);
    format!("{} {month} {}", date.day(), date.year())
}

/// A whole number with thousands grouped: "1.234" in Indonesian, "1,234" in English.
pub fn number(n: u64, lang: Lang) -> String {
    let sep = match lang {
        Lang::Id => '.',
        Lang::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn dates_are_written_day_month_year() {
        assert_eq!(date_short(date!(2026 - 11 - 02), Lang::Id), "2 Nov 2026");
        assert_eq!(date_short(date!(2026 - 08 - 17), Lang::Id), "17 Agu 2026");
        assert_eq!(
            date_long(date!(2026 - 11 - 02), Lang::Id),
            "2 November 2026"
        );
        assert_eq!(date_long(date!(2026 - 05 - 01), Lang::En), "1 May 2026");
    }

    #[test]
    fn the_last_sync_is_short_in_the_sync_line() {
        let today = time::macros::date!(2026 - 12 - 03);
        let at = |date| last_sync_short(date, 9, 5, today, Lang::Id);
        assert_eq!(at(today), "09.05");
        assert_eq!(at(time::macros::date!(2026 - 11 - 29)), "29 Nov 09.05");
        assert_eq!(at(time::macros::date!(2025 - 12 - 31)), "31 Des 2025 09.05");
        assert_eq!(last_sync_short(today, 9, 5, today, Lang::En), "09:05");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(number(0, Lang::Id), "0");
        assert_eq!(number(999, Lang::Id), "999");
        assert_eq!(number(1234, Lang::Id), "1.234");
        assert_eq!(number(1_234_567, Lang::Id), "1.234.567");
        assert_eq!(number(100_000, Lang::En), "100,000");
    }

    #[test]
    fn sizes_are_written_the_indonesian_way() {
        assert_eq!(bytes(1_234_567.0, Lang::Id), "1,2 MB");
        assert_eq!(bytes(1_234_567.0, Lang::En), "1.2 MB");
        assert_eq!(bytes(300_000_000.0, Lang::Id), "300 MB");
        assert_eq!(bytes(512.0, Lang::Id), "512 B");
        assert_eq!(bytes(2_500_000_000_000.0, Lang::Id), "2.500 GB");
        assert_eq!(
            usage(1_234_567.0, 300_000_000.0, Lang::Id),
            "1,2 MB dari 300 MB"
        );
    }

    #[test]
    fn the_period_is_stated_in_words() {
        let text = period(date!(2026 - 11 - 01), date!(2026 - 11 - 29), Lang::Id);
        assert_eq!(text, "Periode 1 Nov 2026 – 29 Nov 2026");
        assert_eq!(
            last_sync(date!(2026 - 11 - 29), 9, 5, Lang::Id),
            "Terakhir sinkron 29 Nov 2026 09.05"
        );
    }

    #[test]
    fn server_times_are_shown_in_wib() {
        // 2026-11-29 03:20:00 UTC is 10.20 in Purbalingga.
        assert_eq!(
            date_time_wib(1_795_922_400, Lang::Id),
            "29 Nov 2026 10.20 WIB"
        );
        assert_eq!(
            date_time_wib(1_795_922_400, Lang::En),
            "29 Nov 2026 10:20 WIB"
        );
    }
}
