//! The evaluation's tables as CSV (RFC 4180: comma separated, fields quoted when they hold
//! a comma, a quote or a line break, quotes doubled, CRLF line ends; UTF-8), headers in the
//! reader's language. Every row names its period and area, so a file read on its own still
//! says what it counts. A suppressed cell reads "disembunyikan" ("suppressed"). Numbers are
//! plain digits with a decimal point, for spreadsheets. No identity field exists in an
//! [`Evaluation`], so none can reach an export.

use super::{Cell, Count, Evaluation, NOT_RECORDED};
use crate::lang::{t, Lang, Text};
use crate::regions;
use crate::vocab::{self, Vocab};

/// A table the export offers: its name in the address and the file, and its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Cases by status, modus, destination and form of exploitation.
    Cases,
    /// Victims by sex and child or adult.
    Victims,
    /// Services by type.
    Services,
    /// The law-enforcement funnel and restitution.
    Legal,
    /// Activities by type and their participants.
    Activities,
    /// Every village, reached or not.
    Coverage,
    /// The main figures of each kecamatan.
    Areas,
    /// Month by month.
    Trend,
}

impl Table {
    /// Every table, in page order.
    pub const ALL: [Table; 8] = [
        Table::Cases,
        Table::Victims,
        Table::Services,
        Table::Legal,
        Table::Activities,
        Table::Coverage,
        Table::Areas,
        Table::Trend,
    ];

    /// The name in `?table=` and in the file name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Cases => "kasus",
            Table::Victims => "korban",
            Table::Services => "layanan",
            Table::Legal => "penegakan-hukum",
            Table::Activities => "kegiatan",
            Table::Coverage => "cakupan-desa",
            Table::Areas => "kecamatan",
            Table::Trend => "tren-bulanan",
        }
    }

    /// The table with this name.
    pub fn parse(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// What the table shows, in words.
    pub fn title(self) -> Text {
        match self {
            Table::Cases => t("Kasus", "Cases"),
            Table::Victims => t("Korban", "Victims"),
            Table::Services => t("Layanan bagi korban", "Services for victims"),
            Table::Legal => t("Penegakan hukum", "Law enforcement"),
            Table::Activities => t("Kegiatan pencegahan", "Prevention activities"),
            Table::Coverage => t("Cakupan desa", "Village coverage"),
            Table::Areas => t("Per kecamatan", "By kecamatan"),
            Table::Trend => t("Tren bulanan", "Monthly trend"),
        }
    }
}

/// The word for a suppressed cell.
pub const SUPPRESSED: Text = t("disembunyikan", "suppressed");

/// The file name of a table's export: `gugus-kasus-2026-Q3-33.03.csv`.
pub fn file_name(table: Table, evaluation: &Evaluation) -> String {
    let period = evaluation.period.shorthand().unwrap_or_else(|| {
        format!(
            "{}_{}",
            evaluation.period.from_text(),
            evaluation.period.to_text()
        )
    });
    // A group's `kelompok:zona-utara` without the colon, which file systems refuse.
    let area = evaluation.area.replace(':', "-");
    format!("gugus-{}-{period}-{area}.csv", table.name())
}

/// How a CSV file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// RFC 4180: `,` between fields, decimal points.
    Rfc4180,
    /// As Excel set to Indonesian opens a file with a double click: a UTF-8 byte-order
    /// mark, `;` between fields, decimal commas (an RFC 4180 file opens as one column).
    ExcelIndonesia,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: [Dialect; 2] = [Dialect::Rfc4180, Dialect::ExcelIndonesia];

    /// Its name in the export's `format` parameter.
    pub fn code(self) -> &'static str {
        match self {
            Dialect::Rfc4180 => "rfc4180",
            Dialect::ExcelIndonesia => "excel-id",
        }
    }

    /// The dialect named `code`.
    pub fn parse(code: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.code() == code)
    }

    pub(crate) fn separator(self) -> char {
        match self {
            Dialect::Rfc4180 => ',',
            Dialect::ExcelIndonesia => ';',
        }
    }
}

/// One table of an evaluation as RFC 4180 CSV.
pub fn table(table: Table, evaluation: &Evaluation, lang: Lang) -> String {
    table_as(table, evaluation, lang, Dialect::Rfc4180)
}

/// One table of an evaluation as CSV in `dialect`.
pub fn table_as(table: Table, evaluation: &Evaluation, lang: Lang, dialect: Dialect) -> String {
    let mut out = Csv::new(evaluation, lang, dialect);
    match table {
        Table::Cases => cases(&mut out, evaluation),
        Table::Victims => victims(&mut out, evaluation),
        Table::Services => services(&mut out, evaluation),
        Table::Legal => legal(&mut out, evaluation),
        Table::Activities => activities(&mut out, evaluation),
        Table::Coverage => coverage(&mut out, evaluation),
        Table::Areas => areas(&mut out, evaluation),
        Table::Trend => trend(&mut out, evaluation),
    }
    out.text
}

/// A CSV being written: every row starts with the period and the area.
struct Csv {
    lang: Lang,
    dialect: Dialect,
    period: String,
    area: String,
    text: String,
}

impl Csv {
    fn new(evaluation: &Evaluation, lang: Lang, dialect: Dialect) -> Csv {
        Csv {
            lang,
            dialect,
            period: evaluation.period.label(lang),
            area: evaluation.area_name(lang),
            text: match dialect {
                Dialect::Rfc4180 => String::new(),
                Dialect::ExcelIndonesia => "\u{feff}".to_owned(),
            },
        }
    }

    /// The header: period, area, then the table's own columns.
    fn header(&mut self, columns: &[Text]) {
        let mut fields = vec![
            t("Periode", "Period").get(self.lang).to_owned(),
            t("Wilayah", "Area").get(self.lang).to_owned(),
        ];
        fields.extend(columns.iter().map(|c| c.get(self.lang).to_owned()));
        self.line(&fields);
    }

    /// A row of the table's own fields.
    fn row(&mut self, fields: Vec<String>) {
        let mut all = vec![self.period.clone(), self.area.clone()];
        all.extend(fields);
        self.line(&all);
    }

    fn line(&mut self, fields: &[String]) {
        let separator = self.dialect.separator();
        let quoted: Vec<String> = fields.iter().map(|f| quote_for(f, separator)).collect();
        self.text.push_str(&quoted.join(&separator.to_string()));
        self.text.push_str("\r\n");
    }

    fn cell(&self, cell: Cell) -> String {
        match cell {
            Some(n) => n.to_string(),
            None => SUPPRESSED.get(self.lang).to_owned(),
        }
    }

    fn decimal(&self, value: Option<f64>, counted: Cell) -> String {
        match (value, counted) {
            (Some(v), _) => match self.dialect {
                Dialect::Rfc4180 => format!("{v}"),
                Dialect::ExcelIndonesia => format!("{v}").replace('.', ","),
            },
            (None, None) => SUPPRESSED.get(self.lang).to_owned(),
            (None, Some(_)) => String::new(),
        }
    }
}

/// A field quoted as RFC 4180 does, with `separator` between fields.
pub(crate) fn quote_for(field: &str, separator: char) -> String {
    if field.contains([separator, '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// The regency's or a kecamatan's name, as a reader says it.
pub fn area_name(code: &str, lang: Lang) -> String {
    match code == regions::REGENCY_CODE {
        true => match lang {
            Lang::Id => "Kabupaten Purbalingga".to_owned(),
            Lang::En => "Purbalingga Regency".to_owned(),
        },
        false => format!("Kecamatan {}", regions::name_of(code)),
    }
}

/// A code's label in a vocabulary, with the label for cases with no destination recorded.
pub fn label(vocab: Vocab, code: &str, lang: Lang) -> String {
    match code {
        NOT_RECORDED => t("Tidak dicatat", "Not recorded").get(lang).to_owned(),
        "total" => t("Jumlah", "Total").get(lang).to_owned(),
        _ => vocab.label(code, lang).to_owned(),
    }
}

fn cases(out: &mut Csv, e: &Evaluation) {
    out.header(&[
        t("Menurut", "By"),
        t("Kode", "Code"),
        t("Uraian", "Category"),
        t("Jumlah kasus", "Cases"),
    ]);
    let groups: [(Text, Vocab, &Vec<Count>); 4] = [
        (
            t("Status", "Status"),
            vocab::CASE_STATUSES,
            &e.cases.by_status,
        ),
        (t("Modus", "Modus"), vocab::MODUS, &e.cases.by_modus),
        (
            t("Negara tujuan", "Destination"),
            vocab::DESTINATIONS,
            &e.cases.by_destination,
        ),
        (
            t("Bentuk eksploitasi", "Form of exploitation"),
            vocab::EXPLOITATION,
            &e.cases.by_exploitation,
        ),
    ];
    let lang = out.lang;
    for (by, vocab, counts) in groups {
        for count in counts {
            let n = out.cell(count.n);
            out.row(vec![
                by.get(lang).to_owned(),
                count.code.clone(),
                label(vocab, &count.code, lang),
                n,
            ]);
        }
    }
    let total = out.cell(e.cases.total);
    out.row(vec![
        t("Semua kasus", "All cases").get(lang).to_owned(),
        "total".into(),
        label(vocab::CASE_STATUSES, "total", lang),
        total,
    ]);
}

fn victims(out: &mut Csv, e: &Evaluation) {
    out.header(&[
        t("Kode", "Code"),
        t("Uraian", "Category"),
        t("Jumlah korban", "Victims"),
    ]);
    let v = &e.victims;
    let rows: [(&str, Text, Cell); 9] = [
        ("total", t("Semua korban", "All victims"), v.total),
        ("female", t("Perempuan", "Female"), v.female),
        ("male", t("Laki-laki", "Male"), v.male),
        (
            "children",
            t("Anak (di bawah 18 tahun)", "Children (under 18)"),
            v.children,
        ),
        ("adults", t("Dewasa", "Adults"), v.adults),
        (
            "female_children",
            t("Anak perempuan", "Girls"),
            v.female_children,
        ),
        (
            "male_children",
            t("Anak laki-laki", "Boys"),
            v.male_children,
        ),
        (
            "female_adults",
            t("Perempuan dewasa", "Women"),
            v.female_adults,
        ),
        ("male_adults", t("Laki-laki dewasa", "Men"), v.male_adults),
    ];
    for (code, name, cell) in rows {
        let n = out.cell(cell);
        out.row(vec![code.into(), name.get(out.lang).to_owned(), n]);
    }
}

fn services(out: &mut Csv, e: &Evaluation) {
    out.header(&[
        t("Kode", "Code"),
        t("Jenis layanan", "Service"),
        t("Diajukan", "Requested"),
        t("Diberikan", "Delivered"),
        t("Diberikan lewat 7 hari", "Delivered after 7 days"),
        t("Menunggu lebih dari 7 hari", "Waiting over 7 days"),
        t("Median hari sampai diberikan", "Median days to delivery"),
        t("Terlama (hari)", "Longest (days)"),
    ]);
    for row in e.services.rows.iter().chain([&e.services.total]) {
        let fields = vec![
            row.code.clone(),
            label(vocab::SERVICE_TYPES, &row.code, out.lang),
            out.cell(row.requested),
            out.cell(row.delivered),
            out.cell(row.late),
            out.cell(row.waiting),
            out.decimal(row.median_days, row.delivered),
            out.decimal(row.longest_days.map(|d| d as f64), row.delivered),
        ];
        out.row(fields);
    }
}

fn legal(out: &mut Csv, e: &Evaluation) {
    out.header(&[
        t("Kode", "Code"),
        t("Tahap", "Stage"),
        t("Kasus yang mencapai tahap ini", "Cases reaching this stage"),
        t(
            "Persen dari kasus periode ini",
            "Percent of the period's cases",
        ),
    ]);
    for stage in &e.legal.funnel {
        let fields = vec![
            stage.code.clone(),
            label(vocab::LEGAL_STAGES, &stage.code, out.lang),
            out.cell(stage.cases),
            out.decimal(stage.percent, stage.cases.and(e.cases.total)),
        ];
        out.row(fields);
    }
    let lang = out.lang;
    let cases = out.cell(e.legal.restitution_cases);
    out.row(vec![
        "restitution".into(),
        t("Restitusi diputus (kasus)", "Restitution ordered (cases)")
            .get(lang)
            .to_owned(),
        cases,
        String::new(),
    ]);
    let rupiah = out.cell(e.legal.restitution_rupiah);
    out.row(vec![
        "restitution_rupiah".into(),
        t("Restitusi diputus (Rp)", "Restitution ordered (Rp)")
            .get(lang)
            .to_owned(),
        rupiah,
        String::new(),
    ]);
}

fn activities(out: &mut Csv, e: &Evaluation) {
    out.header(&[
        t("Kode", "Code"),
        t("Uraian", "Category"),
        t("Jumlah", "Number"),
    ]);
    let lang = out.lang;
    for count in &e.activities.by_type {
        let n = out.cell(count.n);
        out.row(vec![
            count.code.clone(),
            format!(
                "{}: {}",
                t("Kegiatan", "Activities").get(lang),
                label(vocab::ACTIVITY_TYPES, &count.code, lang)
            ),
            n,
        ]);
    }
    let p = &e.activities.participants;
    let rows: [(&str, Text, Cell); 10] = [
        (
            "total",
            t("Semua kegiatan", "All activities"),
            e.activities.total,
        ),
        (
            "participants",
            t("Peserta: semua", "Participants: all"),
            p.total,
        ),
        (
            "female",
            t("Peserta: perempuan", "Participants: female"),
            p.female,
        ),
        (
            "male",
            t("Peserta: laki-laki", "Participants: male"),
            p.male,
        ),
        (
            "adults",
            t("Peserta: dewasa", "Participants: adults"),
            p.adults,
        ),
        (
            "children",
            t("Peserta: anak", "Participants: children"),
            p.children,
        ),
        (
            "female_adults",
            t("Peserta: perempuan dewasa", "Participants: women"),
            p.female_adults,
        ),
        (
            "male_adults",
            t("Peserta: laki-laki dewasa", "Participants: men"),
            p.male_adults,
        ),
        (
            "female_children",
            t("Peserta: anak perempuan", "Participants: girls"),
            p.female_children,
        ),
        (
            "male_children",
            t("Peserta: anak laki-laki", "Participants: boys"),
            p.male_children,
        ),
    ];
    for (code, name, cell) in rows {
        let n = out.cell(cell);
        out.row(vec![code.into(), name.get(lang).to_owned(), n]);
    }
}

fn coverage(out: &mut Csv, e: &Evaluation) {
    out.header(&[
        t("Kode kecamatan", "Kecamatan code"),
        t("Kecamatan", "Kecamatan"),
        t("Kode desa", "Village code"),
        t("Desa/kelurahan", "Village"),
        t("Dijangkau kegiatan", "Reached by an activity"),
    ]);
    let lang = out.lang;
    let (yes, no) = (t("ya", "yes").get(lang), t("belum", "not yet").get(lang));
    for row in &e.coverage.kecamatan {
        for village in regions::villages_of(&row.code) {
            let reached = match &row.not_reached {
                Some(list) if list.contains(&village.code) => no.to_owned(),
                Some(_) => yes.to_owned(),
                None => SUPPRESSED.get(lang).to_owned(),
            };
            out.row(vec![
                row.code.clone(),
                regions::name_of(&row.code).to_owned(),
                village.code.clone(),
                village.name.clone(),
                reached,
            ]);
        }
    }
}

fn areas(out: &mut Csv, e: &Evaluation) {
    out.header(&[
        t("Kode kecamatan", "Kecamatan code"),
        t("Kecamatan", "Kecamatan"),
        t("Kasus", "Cases"),
        t("Korban", "Victims"),
        t("Layanan diajukan", "Services requested"),
        t("Kegiatan", "Activities"),
        t("Peserta kegiatan", "Participants"),
        t("Desa dijangkau", "Villages reached"),
        t("Jumlah desa", "Villages"),
    ]);
    for row in &e.areas {
        let coverage = e.coverage.kecamatan.iter().find(|c| c.code == row.code);
        let fields = vec![
            row.code.clone(),
            regions::name_of(&row.code).to_owned(),
            out.cell(row.cases),
            out.cell(row.victims),
            out.cell(row.services),
            out.cell(row.activities),
            out.cell(row.participants),
            out.cell(coverage.and_then(|c| c.reached)),
            coverage.map_or(String::new(), |c| c.villages.to_string()),
        ];
        out.row(fields);
    }
}

fn trend(out: &mut Csv, e: &Evaluation) {
    out.header(&[
        t("Bulan", "Month"),
        t("Kasus baru", "New cases"),
        t("Korban yang menerima layanan", "Victims served"),
        t("Kegiatan", "Activities"),
    ]);
    for month in &e.trend {
        let fields = vec![
            month.month.clone(),
            out.cell(month.new_cases),
            out.cell(month.victims_served),
            out.cell(month.activities),
        ];
        out.row(fields);
    }
}

/// Reads RFC 4180 text back into rows of fields (what a spreadsheet sees: the tests
/// read exports with it).
pub fn parse(text: &str) -> Vec<Vec<String>> {
    parse_as(text, Dialect::Rfc4180)
}

/// Reads text in `dialect` back into rows of fields (a byte-order mark is skipped; the
/// fields are as written, decimal commas included).
pub fn parse_as(text: &str, dialect: Dialect) -> Vec<Vec<String>> {
    let separator = dialect.separator();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, c) if c == separator => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::{CaseDimension, CaseTally, Period, Tallies};

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        let fields = ["Mrebet", "a,b", "say \"hi\"", "two\r\nlines", ""];
        let quote = |f: &str| quote_for(f, ',');
        let line: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        let text = format!("{}\r\n", line.join(","));
        assert_eq!(parse(&text), [fields.map(str::to_owned).to_vec()]);
        assert_eq!(quote("Mrebet"), "Mrebet");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\r\nlines"), "\"two\r\nlines\"");
    }

    #[test]
    fn the_excel_indonesia_file_holds_the_same_table_with_semicolons_and_decimal_commas() {
        let period = Period::parse("2026-Q3").expect("quarter");
        let mut tallies = Tallies::default();
        for (code, n) in [("reported", 2), ("closed", 1)] {
            tallies.cases.push(CaseTally {
                dimension: CaseDimension::Status,
                code: code.into(),
                kecamatan: "33.03.08".into(),
                month: "2026-08".into(),
                n,
            });
        }
        tallies.legal.push(crate::evaluation::tally::LegalTally {
            kecamatan: "33.03.08".into(),
            month: "2026-08".into(),
            furthest: Some(1),
            restitution: false,
            n: 1,
            rupiah: 0,
        });
        let all = Evaluation::assemble_all(period, &tallies, time::macros::date!(2026 - 11 - 29));
        let e = &all[0];
        let mut decimals = 0;
        for table in Table::ALL {
            let plain = super::table(table, e, Lang::Id);
            let excel = table_as(table, e, Lang::Id, Dialect::ExcelIndonesia);
            assert!(
                excel.starts_with('\u{feff}'),
                "{table:?}: a byte-order mark"
            );
            assert!(!plain.starts_with('\u{feff}'));
            let (plain, excel) = (parse(&plain), parse_as(&excel, Dialect::ExcelIndonesia));
            assert_eq!(plain.len(), excel.len(), "{table:?}");
            for (p, x) in plain.iter().zip(&excel) {
                assert_eq!(p.len(), x.len(), "{table:?}: {p:?} {x:?}");
                for (p, x) in p.iter().zip(x) {
                    let decimal = p.parse::<f64>().is_ok() && p.contains('.');
                    decimals += usize::from(decimal);
                    match decimal {
                        true => assert_eq!(*x, p.replace('.', ","), "{table:?}"),
                        false => assert_eq!(x, p, "{table:?}"),
                    }
                }
            }
        }
        assert!(
            decimals > 0,
            "some figure is a decimal: 1 case of 3 reached a stage"
        );
        let legal = table_as(Table::Legal, e, Lang::Id, Dialect::ExcelIndonesia);
        assert!(legal.contains(';'), "{legal}");
        assert_eq!(Dialect::parse("excel-id"), Some(Dialect::ExcelIndonesia));
        assert_eq!(Dialect::parse("xlsx"), None);
    }

    #[test]
    fn every_table_has_a_header_and_rows_of_the_same_width() {
        let period = Period::parse("2026-Q3").expect("quarter");
        let mut all = Evaluation::assemble_all(
            period,
            &Tallies::default(),
            time::macros::date!(2026 - 11 - 29),
        );
        crate::evaluation::suppress(&mut all, &[]);
        for lang in [Lang::Id, Lang::En] {
            for table in Table::ALL {
                let text = super::table(table, &all[0], lang);
                assert!(text.ends_with("\r\n"), "{table:?}");
                let widths: Vec<usize> = parse(&text).iter().map(Vec::len).collect();
                assert!(widths.len() > 1, "{table:?} has rows");
                assert!(
                    widths.iter().all(|w| *w == widths[0]),
                    "{table:?}: {widths:?}"
                );
                assert!(
                    text.contains(&period.label(lang)),
                    "every row names its period"
                );
            }
        }
        assert_eq!(Table::parse("layanan"), Some(Table::Services));
        assert_eq!(
            file_name(Table::Cases, &all[0]),
            "gugus-kasus-2026-Q3-33.03.csv"
        );
    }

    #[test]
    fn a_suppressed_cell_says_so() {
        let period = Period::parse("2026-Q3").expect("quarter");
        let tallies = Tallies {
            cases: [
                (CaseDimension::Status, "reported"),
                (CaseDimension::Modus, "online_scam"),
                (CaseDimension::Destination, "KH"),
            ]
            .map(|(dimension, code)| CaseTally {
                kecamatan: "33.03.08".into(),
                month: "2026-08".into(),
                dimension,
                code: code.into(),
                n: 3,
            })
            .to_vec(),
            ..Tallies::default()
        };
        let mut all =
            Evaluation::assemble_all(period, &tallies, time::macros::date!(2026 - 11 - 29));
        crate::evaluation::suppress(&mut all, &[]);
        let text = super::table(Table::Cases, &all[0], Lang::Id);
        assert!(
            text.contains("Status,reported,Dilaporkan,disembunyikan\r\n"),
            "{text}"
        );
        assert!(!text.contains(",3\r\n"));
    }
}
