//! GENERATED from `data/gs1-syntax-dictionary.txt` (GS1 Barcode Syntax Dictionary) by
//! `tests/ai_table.rs`. Do not edit: update the dictionary, then run
//! `TALLY_REGENERATE=1 cargo test -p tally-ids --test ai_table`.

use super::ai::{AiDef, Charset, Component, Linter};

/// Length of the AIs that start with each two-digit prefix (0 = no such AI).
pub(crate) static AI_LENGTH_BY_PREFIX: [u8; 100] = [
    2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 0, 2, 2, 2, 0, 0,
    2, 2, 2, 3, 3, 3, 0, 0, 0, 0, 2, 4, 4, 4, 4, 4, 4, 2, 0, 4,
    3, 3, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 3, 4, 0, 0, 0, 0, 0, 0, 0,
    4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
];

/// `N..10`
const C0: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 10, optional: false, linters: &[] };
/// `N..12,nozeroprefix`
const C1: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 12, optional: false, linters: &[Linter::Nozeroprefix] };
/// `N..15`
const C2: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 15, optional: false, linters: &[] };
/// `N..4`
const C3: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 4, optional: false, linters: &[] };
/// `N..6`
const C4: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 6, optional: false, linters: &[] };
/// `N..8`
const C5: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 8, optional: false, linters: &[] };
/// `N1`
const C6: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 1, optional: false, linters: &[] };
/// `N1,iso5218`
const C7: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 1, optional: false, linters: &[Linter::Iso5218] };
/// `N1,winding`
const C8: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 1, optional: false, linters: &[Linter::Winding] };
/// `N1,yesno`
const C9: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 1, optional: false, linters: &[Linter::Yesno] };
/// `N1,zero`
const C10: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 1, optional: false, linters: &[Linter::Zero] };
/// `N10,latitude`
const C11: Component = Component { charset: Charset::Numeric, min_len: 10, max_len: 10, optional: false, linters: &[Linter::Latitude] };
/// `N10,longitude`
const C12: Component = Component { charset: Charset::Numeric, min_len: 10, max_len: 10, optional: false, linters: &[Linter::Longitude] };
/// `N13`
const C13: Component = Component { charset: Charset::Numeric, min_len: 13, max_len: 13, optional: false, linters: &[] };
/// `N13,csum,gcppos1`
const C14: Component = Component { charset: Charset::Numeric, min_len: 13, max_len: 13, optional: false, linters: &[Linter::Csum, Linter::Gcppos1] };
/// `N14,csum,gcppos2`
const C15: Component = Component { charset: Charset::Numeric, min_len: 14, max_len: 14, optional: false, linters: &[Linter::Csum, Linter::Gcppos2] };
/// `N15`
const C16: Component = Component { charset: Charset::Numeric, min_len: 15, max_len: 15, optional: false, linters: &[] };
/// `N17,csum,gcppos1`
const C17: Component = Component { charset: Charset::Numeric, min_len: 17, max_len: 17, optional: false, linters: &[Linter::Csum, Linter::Gcppos1] };
/// `N18`
const C18: Component = Component { charset: Charset::Numeric, min_len: 18, max_len: 18, optional: false, linters: &[] };
/// `N18,csum,gcppos1`
const C19: Component = Component { charset: Charset::Numeric, min_len: 18, max_len: 18, optional: false, linters: &[Linter::Csum, Linter::Gcppos1] };
/// `N18,csum,gcppos2`
const C20: Component = Component { charset: Charset::Numeric, min_len: 18, max_len: 18, optional: false, linters: &[Linter::Csum, Linter::Gcppos2] };
/// `N2`
const C21: Component = Component { charset: Charset::Numeric, min_len: 2, max_len: 2, optional: false, linters: &[] };
/// `N2,hh`
const C22: Component = Component { charset: Charset::Numeric, min_len: 2, max_len: 2, optional: false, linters: &[Linter::Hh] };
/// `N2,mediatype`
const C23: Component = Component { charset: Charset::Numeric, min_len: 2, max_len: 2, optional: false, linters: &[Linter::Mediatype] };
/// `N3,iso3166`
const C24: Component = Component { charset: Charset::Numeric, min_len: 3, max_len: 3, optional: false, linters: &[Linter::Iso3166] };
/// `N3,iso3166999`
const C25: Component = Component { charset: Charset::Numeric, min_len: 3, max_len: 3, optional: false, linters: &[Linter::Iso3166999] };
/// `N3,iso4217`
const C26: Component = Component { charset: Charset::Numeric, min_len: 3, max_len: 3, optional: false, linters: &[Linter::Iso4217] };
/// `N3,nonzero`
const C27: Component = Component { charset: Charset::Numeric, min_len: 3, max_len: 3, optional: false, linters: &[Linter::Nonzero] };
/// `N32`
const C28: Component = Component { charset: Charset::Numeric, min_len: 32, max_len: 32, optional: false, linters: &[] };
/// `N4`
const C29: Component = Component { charset: Charset::Numeric, min_len: 4, max_len: 4, optional: false, linters: &[] };
/// `N4,hhmi`
const C30: Component = Component { charset: Charset::Numeric, min_len: 4, max_len: 4, optional: false, linters: &[Linter::Hhmi] };
/// `N4,nonzero`
const C31: Component = Component { charset: Charset::Numeric, min_len: 4, max_len: 4, optional: false, linters: &[Linter::Nonzero] };
/// `N4,pieceoftotal`
const C32: Component = Component { charset: Charset::Numeric, min_len: 4, max_len: 4, optional: false, linters: &[Linter::Pieceoftotal] };
/// `N5,nonzero`
const C33: Component = Component { charset: Charset::Numeric, min_len: 5, max_len: 5, optional: false, linters: &[Linter::Nonzero] };
/// `N6`
const C34: Component = Component { charset: Charset::Numeric, min_len: 6, max_len: 6, optional: false, linters: &[] };
/// `N6,yymmd0`
const C35: Component = Component { charset: Charset::Numeric, min_len: 6, max_len: 6, optional: false, linters: &[Linter::Yymmd0] };
/// `N6,yymmdd`
const C36: Component = Component { charset: Charset::Numeric, min_len: 6, max_len: 6, optional: false, linters: &[Linter::Yymmdd] };
/// `N8,yyyymmdd`
const C37: Component = Component { charset: Charset::Numeric, min_len: 8, max_len: 8, optional: false, linters: &[Linter::Yyyymmdd] };
/// `X..10`
const C38: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 10, optional: false, linters: &[] };
/// `X..12`
const C39: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 12, optional: false, linters: &[] };
/// `X..2`
const C40: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 2, optional: false, linters: &[] };
/// `X..20`
const C41: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 20, optional: false, linters: &[] };
/// `X..25`
const C42: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 25, optional: false, linters: &[] };
/// `X..25,csumalpha,gcppos1`
const C43: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 25, optional: false, linters: &[Linter::Csumalpha, Linter::Gcppos1] };
/// `X..25,csumalpha,gcppos1,hasnondigit`
const C44: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 25, optional: false, linters: &[Linter::Csumalpha, Linter::Gcppos1, Linter::Hasnondigit] };
/// `X..27`
const C45: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 27, optional: false, linters: &[] };
/// `X..28`
const C46: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 28, optional: false, linters: &[] };
/// `X..3`
const C47: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 3, optional: false, linters: &[] };
/// `X..30`
const C48: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 30, optional: false, linters: &[] };
/// `X..30,gcppos1`
const C49: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 30, optional: false, linters: &[Linter::Gcppos1] };
/// `X..34,iban`
const C50: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 34, optional: false, linters: &[Linter::Iban] };
/// `X..35,pcenc`
const C51: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 35, optional: false, linters: &[Linter::Pcenc] };
/// `X..4,packagetype`
const C52: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 4, optional: false, linters: &[Linter::Packagetype] };
/// `X..40,pcenc`
const C53: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 40, optional: false, linters: &[Linter::Pcenc] };
/// `X..50`
const C54: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 50, optional: false, linters: &[] };
/// `X..70`
const C55: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 70, optional: false, linters: &[] };
/// `X..70,couponcode`
const C56: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 70, optional: false, linters: &[Linter::Couponcode] };
/// `X..70,couponposoffer`
const C57: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 70, optional: false, linters: &[Linter::Couponposoffer] };
/// `X..70,pcenc`
const C58: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 70, optional: false, linters: &[Linter::Pcenc] };
/// `X..9`
const C59: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 9, optional: false, linters: &[] };
/// `X..90`
const C60: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 90, optional: false, linters: &[] };
/// `X..90,pcenc`
const C61: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 90, optional: false, linters: &[Linter::Pcenc] };
/// `X1`
const C62: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 1, optional: false, linters: &[] };
/// `X1,importeridx`
const C63: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 1, optional: false, linters: &[Linter::Importeridx] };
/// `X2`
const C64: Component = Component { charset: Charset::Cset82, min_len: 2, max_len: 2, optional: false, linters: &[] };
/// `X2,iso3166alpha2`
const C65: Component = Component { charset: Charset::Cset82, min_len: 2, max_len: 2, optional: false, linters: &[Linter::Iso3166alpha2] };
/// `X3,posinseqslash`
const C66: Component = Component { charset: Charset::Cset82, min_len: 3, max_len: 3, optional: false, linters: &[Linter::Posinseqslash] };
/// `Y..30,gcppos1`
const C67: Component = Component { charset: Charset::Cset39, min_len: 1, max_len: 30, optional: false, linters: &[Linter::Gcppos1] };
/// `Z..90`
const C68: Component = Component { charset: Charset::Base64Url, min_len: 1, max_len: 90, optional: false, linters: &[] };
/// `[N..12]`
const C69: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 12, optional: true, linters: &[] };
/// `[N..2]`
const C70: Component = Component { charset: Charset::Numeric, min_len: 1, max_len: 2, optional: true, linters: &[] };
/// `[N2],mi`
const C71: Component = Component { charset: Charset::Numeric, min_len: 2, max_len: 2, optional: true, linters: &[Linter::Mi] };
/// `[N2],ss`
const C72: Component = Component { charset: Charset::Numeric, min_len: 2, max_len: 2, optional: true, linters: &[Linter::Ss] };
/// `[N3],iso3166`
const C73: Component = Component { charset: Charset::Numeric, min_len: 3, max_len: 3, optional: true, linters: &[Linter::Iso3166] };
/// `[N4],hhmi`
const C74: Component = Component { charset: Charset::Numeric, min_len: 4, max_len: 4, optional: true, linters: &[Linter::Hhmi] };
/// `[N6],yymmdd`
const C75: Component = Component { charset: Charset::Numeric, min_len: 6, max_len: 6, optional: true, linters: &[Linter::Yymmdd] };
/// `[X..16]`
const C76: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 16, optional: true, linters: &[] };
/// `[X..17]`
const C77: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 17, optional: true, linters: &[] };
/// `[X1],hyphen`
const C78: Component = Component { charset: Charset::Cset82, min_len: 1, max_len: 1, optional: true, linters: &[Linter::Hyphen] };

/// Every AI of the dictionary, sorted by AI.
pub static AI_TABLE: &[AiDef] = &[
    AiDef { ai: "00", title: "SSCC", fnc1_required: false, dl_data_attribute: true, components: &[C20], dl_primary_key: Some(&[&[]]), associations: "" },
    AiDef { ai: "01", title: "GTIN", fnc1_required: false, dl_data_attribute: true, components: &[C15], dl_primary_key: Some(&[&["22", "10", "21"], &["235"]]), associations: "ex=255,37" },
    AiDef { ai: "02", title: "CONTENT", fnc1_required: false, dl_data_attribute: true, components: &[C15], dl_primary_key: None, associations: "ex=01,03 req=37" },
    AiDef { ai: "03", title: "MTO GTIN", fnc1_required: false, dl_data_attribute: false, components: &[C15], dl_primary_key: None, associations: "ex=01,02,37" },
    AiDef { ai: "10", title: "BATCH/LOT", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01,02,03,8006,8026" },
    AiDef { ai: "11", title: "PROD DATE", fnc1_required: false, dl_data_attribute: true, components: &[C35], dl_primary_key: None, associations: "req=01,02,03,8006,8026" },
    AiDef { ai: "12", title: "DUE DATE", fnc1_required: false, dl_data_attribute: true, components: &[C35], dl_primary_key: None, associations: "req=8020" },
    AiDef { ai: "13", title: "PACK DATE", fnc1_required: false, dl_data_attribute: true, components: &[C35], dl_primary_key: None, associations: "req=01,02,03,8006,8026" },
    AiDef { ai: "15", title: "BEST BEFORE or BEST BY", fnc1_required: false, dl_data_attribute: true, components: &[C35], dl_primary_key: None, associations: "req=01,02,03,8006,8026" },
    AiDef { ai: "16", title: "SELL BY", fnc1_required: false, dl_data_attribute: true, components: &[C35], dl_primary_key: None, associations: "req=01,02,03,8006,8026" },
    AiDef { ai: "17", title: "USE BY or EXPIRY", fnc1_required: false, dl_data_attribute: true, components: &[C35], dl_primary_key: None, associations: "req=01,02,03,255,8006,8026" },
    AiDef { ai: "20", title: "VARIANT", fnc1_required: false, dl_data_attribute: true, components: &[C21], dl_primary_key: None, associations: "req=01,02,8006,8026" },
    AiDef { ai: "21", title: "SERIAL", fnc1_required: true, dl_data_attribute: false, components: &[C41], dl_primary_key: None, associations: "req=01,03,8006 ex=235" },
    AiDef { ai: "22", title: "CPV", fnc1_required: true, dl_data_attribute: false, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "235", title: "TPX", fnc1_required: true, dl_data_attribute: false, components: &[C46], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "240", title: "ADDITIONAL ID", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "req=01,02,8006,8026" },
    AiDef { ai: "241", title: "CUST. PART No.", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "req=01,02,8006,8026" },
    AiDef { ai: "242", title: "MTO VARIANT", fnc1_required: true, dl_data_attribute: true, components: &[C4], dl_primary_key: None, associations: "req=01,02,8006,8026" },
    AiDef { ai: "243", title: "PCN", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "250", title: "SECONDARY SERIAL", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "req=01,8006 req=21" },
    AiDef { ai: "251", title: "REF. TO SOURCE", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "req=01,8006" },
    AiDef { ai: "253", title: "GDTI", fnc1_required: true, dl_data_attribute: true, components: &[C14, C77], dl_primary_key: Some(&[&[]]), associations: "" },
    AiDef { ai: "254", title: "GLN EXTENSION COMPONENT", fnc1_required: true, dl_data_attribute: false, components: &[C41], dl_primary_key: None, associations: "req=414" },
    AiDef { ai: "255", title: "GCN", fnc1_required: true, dl_data_attribute: true, components: &[C14, C69], dl_primary_key: Some(&[&[]]), associations: "ex=01,02,415,8006,8020,8026" },
    AiDef { ai: "30", title: "VAR. COUNT", fnc1_required: true, dl_data_attribute: true, components: &[C5], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "3100", title: "NET WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=310n" },
    AiDef { ai: "3101", title: "NET WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=310n" },
    AiDef { ai: "3102", title: "NET WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=310n" },
    AiDef { ai: "3103", title: "NET WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=310n" },
    AiDef { ai: "3104", title: "NET WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=310n" },
    AiDef { ai: "3105", title: "NET WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=310n" },
    AiDef { ai: "3110", title: "LENGTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=311n" },
    AiDef { ai: "3111", title: "LENGTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=311n" },
    AiDef { ai: "3112", title: "LENGTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=311n" },
    AiDef { ai: "3113", title: "LENGTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=311n" },
    AiDef { ai: "3114", title: "LENGTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=311n" },
    AiDef { ai: "3115", title: "LENGTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=311n" },
    AiDef { ai: "3120", title: "WIDTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=312n" },
    AiDef { ai: "3121", title: "WIDTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=312n" },
    AiDef { ai: "3122", title: "WIDTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=312n" },
    AiDef { ai: "3123", title: "WIDTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=312n" },
    AiDef { ai: "3124", title: "WIDTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=312n" },
    AiDef { ai: "3125", title: "WIDTH (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=312n" },
    AiDef { ai: "3130", title: "HEIGHT (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=313n" },
    AiDef { ai: "3131", title: "HEIGHT (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=313n" },
    AiDef { ai: "3132", title: "HEIGHT (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=313n" },
    AiDef { ai: "3133", title: "HEIGHT (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=313n" },
    AiDef { ai: "3134", title: "HEIGHT (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=313n" },
    AiDef { ai: "3135", title: "HEIGHT (m)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=313n" },
    AiDef { ai: "3140", title: "AREA (m²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=314n" },
    AiDef { ai: "3141", title: "AREA (m²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=314n" },
    AiDef { ai: "3142", title: "AREA (m²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=314n" },
    AiDef { ai: "3143", title: "AREA (m²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=314n" },
    AiDef { ai: "3144", title: "AREA (m²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=314n" },
    AiDef { ai: "3145", title: "AREA (m²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=314n" },
    AiDef { ai: "3150", title: "NET VOLUME (l)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=315n" },
    AiDef { ai: "3151", title: "NET VOLUME (l)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=315n" },
    AiDef { ai: "3152", title: "NET VOLUME (l)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=315n" },
    AiDef { ai: "3153", title: "NET VOLUME (l)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=315n" },
    AiDef { ai: "3154", title: "NET VOLUME (l)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=315n" },
    AiDef { ai: "3155", title: "NET VOLUME (l)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=315n" },
    AiDef { ai: "3160", title: "NET VOLUME (m³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=316n" },
    AiDef { ai: "3161", title: "NET VOLUME (m³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=316n" },
    AiDef { ai: "3162", title: "NET VOLUME (m³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=316n" },
    AiDef { ai: "3163", title: "NET VOLUME (m³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=316n" },
    AiDef { ai: "3164", title: "NET VOLUME (m³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=316n" },
    AiDef { ai: "3165", title: "NET VOLUME (m³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=316n" },
    AiDef { ai: "3200", title: "NET WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=320n" },
    AiDef { ai: "3201", title: "NET WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=320n" },
    AiDef { ai: "3202", title: "NET WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=320n" },
    AiDef { ai: "3203", title: "NET WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=320n" },
    AiDef { ai: "3204", title: "NET WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=320n" },
    AiDef { ai: "3205", title: "NET WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=320n" },
    AiDef { ai: "3210", title: "LENGTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=321n" },
    AiDef { ai: "3211", title: "LENGTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=321n" },
    AiDef { ai: "3212", title: "LENGTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=321n" },
    AiDef { ai: "3213", title: "LENGTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=321n" },
    AiDef { ai: "3214", title: "LENGTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=321n" },
    AiDef { ai: "3215", title: "LENGTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=321n" },
    AiDef { ai: "3220", title: "LENGTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=322n" },
    AiDef { ai: "3221", title: "LENGTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=322n" },
    AiDef { ai: "3222", title: "LENGTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=322n" },
    AiDef { ai: "3223", title: "LENGTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=322n" },
    AiDef { ai: "3224", title: "LENGTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=322n" },
    AiDef { ai: "3225", title: "LENGTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=322n" },
    AiDef { ai: "3230", title: "LENGTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=323n" },
    AiDef { ai: "3231", title: "LENGTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=323n" },
    AiDef { ai: "3232", title: "LENGTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=323n" },
    AiDef { ai: "3233", title: "LENGTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=323n" },
    AiDef { ai: "3234", title: "LENGTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=323n" },
    AiDef { ai: "3235", title: "LENGTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=323n" },
    AiDef { ai: "3240", title: "WIDTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=324n" },
    AiDef { ai: "3241", title: "WIDTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=324n" },
    AiDef { ai: "3242", title: "WIDTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=324n" },
    AiDef { ai: "3243", title: "WIDTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=324n" },
    AiDef { ai: "3244", title: "WIDTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=324n" },
    AiDef { ai: "3245", title: "WIDTH (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=324n" },
    AiDef { ai: "3250", title: "WIDTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=325n" },
    AiDef { ai: "3251", title: "WIDTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=325n" },
    AiDef { ai: "3252", title: "WIDTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=325n" },
    AiDef { ai: "3253", title: "WIDTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=325n" },
    AiDef { ai: "3254", title: "WIDTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=325n" },
    AiDef { ai: "3255", title: "WIDTH (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=325n" },
    AiDef { ai: "3260", title: "WIDTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=326n" },
    AiDef { ai: "3261", title: "WIDTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=326n" },
    AiDef { ai: "3262", title: "WIDTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=326n" },
    AiDef { ai: "3263", title: "WIDTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=326n" },
    AiDef { ai: "3264", title: "WIDTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=326n" },
    AiDef { ai: "3265", title: "WIDTH (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=326n" },
    AiDef { ai: "3270", title: "HEIGHT (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=327n" },
    AiDef { ai: "3271", title: "HEIGHT (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=327n" },
    AiDef { ai: "3272", title: "HEIGHT (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=327n" },
    AiDef { ai: "3273", title: "HEIGHT (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=327n" },
    AiDef { ai: "3274", title: "HEIGHT (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=327n" },
    AiDef { ai: "3275", title: "HEIGHT (in)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=327n" },
    AiDef { ai: "3280", title: "HEIGHT (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=328n" },
    AiDef { ai: "3281", title: "HEIGHT (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=328n" },
    AiDef { ai: "3282", title: "HEIGHT (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=328n" },
    AiDef { ai: "3283", title: "HEIGHT (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=328n" },
    AiDef { ai: "3284", title: "HEIGHT (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=328n" },
    AiDef { ai: "3285", title: "HEIGHT (ft)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=328n" },
    AiDef { ai: "3290", title: "HEIGHT (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=329n" },
    AiDef { ai: "3291", title: "HEIGHT (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=329n" },
    AiDef { ai: "3292", title: "HEIGHT (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=329n" },
    AiDef { ai: "3293", title: "HEIGHT (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=329n" },
    AiDef { ai: "3294", title: "HEIGHT (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=329n" },
    AiDef { ai: "3295", title: "HEIGHT (yd)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=329n" },
    AiDef { ai: "3300", title: "GROSS WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=330n" },
    AiDef { ai: "3301", title: "GROSS WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=330n" },
    AiDef { ai: "3302", title: "GROSS WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=330n" },
    AiDef { ai: "3303", title: "GROSS WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=330n" },
    AiDef { ai: "3304", title: "GROSS WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=330n" },
    AiDef { ai: "3305", title: "GROSS WEIGHT (kg)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=330n" },
    AiDef { ai: "3310", title: "LENGTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=331n" },
    AiDef { ai: "3311", title: "LENGTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=331n" },
    AiDef { ai: "3312", title: "LENGTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=331n" },
    AiDef { ai: "3313", title: "LENGTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=331n" },
    AiDef { ai: "3314", title: "LENGTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=331n" },
    AiDef { ai: "3315", title: "LENGTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=331n" },
    AiDef { ai: "3320", title: "WIDTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=332n" },
    AiDef { ai: "3321", title: "WIDTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=332n" },
    AiDef { ai: "3322", title: "WIDTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=332n" },
    AiDef { ai: "3323", title: "WIDTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=332n" },
    AiDef { ai: "3324", title: "WIDTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=332n" },
    AiDef { ai: "3325", title: "WIDTH (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=332n" },
    AiDef { ai: "3330", title: "HEIGHT (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=333n" },
    AiDef { ai: "3331", title: "HEIGHT (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=333n" },
    AiDef { ai: "3332", title: "HEIGHT (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=333n" },
    AiDef { ai: "3333", title: "HEIGHT (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=333n" },
    AiDef { ai: "3334", title: "HEIGHT (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=333n" },
    AiDef { ai: "3335", title: "HEIGHT (m), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=333n" },
    AiDef { ai: "3340", title: "AREA (m²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=334n" },
    AiDef { ai: "3341", title: "AREA (m²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=334n" },
    AiDef { ai: "3342", title: "AREA (m²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=334n" },
    AiDef { ai: "3343", title: "AREA (m²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=334n" },
    AiDef { ai: "3344", title: "AREA (m²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=334n" },
    AiDef { ai: "3345", title: "AREA (m²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=334n" },
    AiDef { ai: "3350", title: "VOLUME (l), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=335n" },
    AiDef { ai: "3351", title: "VOLUME (l), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=335n" },
    AiDef { ai: "3352", title: "VOLUME (l), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=335n" },
    AiDef { ai: "3353", title: "VOLUME (l), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=335n" },
    AiDef { ai: "3354", title: "VOLUME (l), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=335n" },
    AiDef { ai: "3355", title: "VOLUME (l), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=335n" },
    AiDef { ai: "3360", title: "VOLUME (m³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=336n" },
    AiDef { ai: "3361", title: "VOLUME (m³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=336n" },
    AiDef { ai: "3362", title: "VOLUME (m³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=336n" },
    AiDef { ai: "3363", title: "VOLUME (m³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=336n" },
    AiDef { ai: "3364", title: "VOLUME (m³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=336n" },
    AiDef { ai: "3365", title: "VOLUME (m³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=336n" },
    AiDef { ai: "3370", title: "KG PER m²", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01 ex=337n" },
    AiDef { ai: "3371", title: "KG PER m²", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01 ex=337n" },
    AiDef { ai: "3372", title: "KG PER m²", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01 ex=337n" },
    AiDef { ai: "3373", title: "KG PER m²", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01 ex=337n" },
    AiDef { ai: "3374", title: "KG PER m²", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01 ex=337n" },
    AiDef { ai: "3375", title: "KG PER m²", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01 ex=337n" },
    AiDef { ai: "3400", title: "GROSS WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=340n" },
    AiDef { ai: "3401", title: "GROSS WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=340n" },
    AiDef { ai: "3402", title: "GROSS WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=340n" },
    AiDef { ai: "3403", title: "GROSS WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=340n" },
    AiDef { ai: "3404", title: "GROSS WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=340n" },
    AiDef { ai: "3405", title: "GROSS WEIGHT (lb)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=340n" },
    AiDef { ai: "3410", title: "LENGTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=341n" },
    AiDef { ai: "3411", title: "LENGTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=341n" },
    AiDef { ai: "3412", title: "LENGTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=341n" },
    AiDef { ai: "3413", title: "LENGTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=341n" },
    AiDef { ai: "3414", title: "LENGTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=341n" },
    AiDef { ai: "3415", title: "LENGTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=341n" },
    AiDef { ai: "3420", title: "LENGTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=342n" },
    AiDef { ai: "3421", title: "LENGTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=342n" },
    AiDef { ai: "3422", title: "LENGTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=342n" },
    AiDef { ai: "3423", title: "LENGTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=342n" },
    AiDef { ai: "3424", title: "LENGTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=342n" },
    AiDef { ai: "3425", title: "LENGTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=342n" },
    AiDef { ai: "3430", title: "LENGTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=343n" },
    AiDef { ai: "3431", title: "LENGTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=343n" },
    AiDef { ai: "3432", title: "LENGTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=343n" },
    AiDef { ai: "3433", title: "LENGTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=343n" },
    AiDef { ai: "3434", title: "LENGTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=343n" },
    AiDef { ai: "3435", title: "LENGTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=343n" },
    AiDef { ai: "3440", title: "WIDTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=344n" },
    AiDef { ai: "3441", title: "WIDTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=344n" },
    AiDef { ai: "3442", title: "WIDTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=344n" },
    AiDef { ai: "3443", title: "WIDTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=344n" },
    AiDef { ai: "3444", title: "WIDTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=344n" },
    AiDef { ai: "3445", title: "WIDTH (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=344n" },
    AiDef { ai: "3450", title: "WIDTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=345n" },
    AiDef { ai: "3451", title: "WIDTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=345n" },
    AiDef { ai: "3452", title: "WIDTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=345n" },
    AiDef { ai: "3453", title: "WIDTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=345n" },
    AiDef { ai: "3454", title: "WIDTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=345n" },
    AiDef { ai: "3455", title: "WIDTH (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=345n" },
    AiDef { ai: "3460", title: "WIDTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=346n" },
    AiDef { ai: "3461", title: "WIDTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=346n" },
    AiDef { ai: "3462", title: "WIDTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=346n" },
    AiDef { ai: "3463", title: "WIDTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=346n" },
    AiDef { ai: "3464", title: "WIDTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=346n" },
    AiDef { ai: "3465", title: "WIDTH (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=346n" },
    AiDef { ai: "3470", title: "HEIGHT (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=347n" },
    AiDef { ai: "3471", title: "HEIGHT (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=347n" },
    AiDef { ai: "3472", title: "HEIGHT (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=347n" },
    AiDef { ai: "3473", title: "HEIGHT (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=347n" },
    AiDef { ai: "3474", title: "HEIGHT (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=347n" },
    AiDef { ai: "3475", title: "HEIGHT (in), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=347n" },
    AiDef { ai: "3480", title: "HEIGHT (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=348n" },
    AiDef { ai: "3481", title: "HEIGHT (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=348n" },
    AiDef { ai: "3482", title: "HEIGHT (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=348n" },
    AiDef { ai: "3483", title: "HEIGHT (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=348n" },
    AiDef { ai: "3484", title: "HEIGHT (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=348n" },
    AiDef { ai: "3485", title: "HEIGHT (ft), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=348n" },
    AiDef { ai: "3490", title: "HEIGHT (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=349n" },
    AiDef { ai: "3491", title: "HEIGHT (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=349n" },
    AiDef { ai: "3492", title: "HEIGHT (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=349n" },
    AiDef { ai: "3493", title: "HEIGHT (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=349n" },
    AiDef { ai: "3494", title: "HEIGHT (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=349n" },
    AiDef { ai: "3495", title: "HEIGHT (yd), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=349n" },
    AiDef { ai: "3500", title: "AREA (in²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=350n" },
    AiDef { ai: "3501", title: "AREA (in²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=350n" },
    AiDef { ai: "3502", title: "AREA (in²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=350n" },
    AiDef { ai: "3503", title: "AREA (in²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=350n" },
    AiDef { ai: "3504", title: "AREA (in²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=350n" },
    AiDef { ai: "3505", title: "AREA (in²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=350n" },
    AiDef { ai: "3510", title: "AREA (ft²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=351n" },
    AiDef { ai: "3511", title: "AREA (ft²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=351n" },
    AiDef { ai: "3512", title: "AREA (ft²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=351n" },
    AiDef { ai: "3513", title: "AREA (ft²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=351n" },
    AiDef { ai: "3514", title: "AREA (ft²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=351n" },
    AiDef { ai: "3515", title: "AREA (ft²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=351n" },
    AiDef { ai: "3520", title: "AREA (yd²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=352n" },
    AiDef { ai: "3521", title: "AREA (yd²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=352n" },
    AiDef { ai: "3522", title: "AREA (yd²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=352n" },
    AiDef { ai: "3523", title: "AREA (yd²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=352n" },
    AiDef { ai: "3524", title: "AREA (yd²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=352n" },
    AiDef { ai: "3525", title: "AREA (yd²)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=352n" },
    AiDef { ai: "3530", title: "AREA (in²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=353n" },
    AiDef { ai: "3531", title: "AREA (in²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=353n" },
    AiDef { ai: "3532", title: "AREA (in²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=353n" },
    AiDef { ai: "3533", title: "AREA (in²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=353n" },
    AiDef { ai: "3534", title: "AREA (in²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=353n" },
    AiDef { ai: "3535", title: "AREA (in²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=353n" },
    AiDef { ai: "3540", title: "AREA (ft²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=354n" },
    AiDef { ai: "3541", title: "AREA (ft²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=354n" },
    AiDef { ai: "3542", title: "AREA (ft²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=354n" },
    AiDef { ai: "3543", title: "AREA (ft²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=354n" },
    AiDef { ai: "3544", title: "AREA (ft²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=354n" },
    AiDef { ai: "3545", title: "AREA (ft²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=354n" },
    AiDef { ai: "3550", title: "AREA (yd²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=355n" },
    AiDef { ai: "3551", title: "AREA (yd²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=355n" },
    AiDef { ai: "3552", title: "AREA (yd²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=355n" },
    AiDef { ai: "3553", title: "AREA (yd²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=355n" },
    AiDef { ai: "3554", title: "AREA (yd²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=355n" },
    AiDef { ai: "3555", title: "AREA (yd²), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=355n" },
    AiDef { ai: "3560", title: "NET WEIGHT (tr oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=356n" },
    AiDef { ai: "3561", title: "NET WEIGHT (tr oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=356n" },
    AiDef { ai: "3562", title: "NET WEIGHT (tr oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=356n" },
    AiDef { ai: "3563", title: "NET WEIGHT (tr oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=356n" },
    AiDef { ai: "3564", title: "NET WEIGHT (tr oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=356n" },
    AiDef { ai: "3565", title: "NET WEIGHT (tr oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=356n" },
    AiDef { ai: "3570", title: "NET VOLUME (oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=357n" },
    AiDef { ai: "3571", title: "NET VOLUME (oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=357n" },
    AiDef { ai: "3572", title: "NET VOLUME (oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=357n" },
    AiDef { ai: "3573", title: "NET VOLUME (oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=357n" },
    AiDef { ai: "3574", title: "NET VOLUME (oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=357n" },
    AiDef { ai: "3575", title: "NET VOLUME (oz)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=357n" },
    AiDef { ai: "3600", title: "NET VOLUME (qt (US))", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=360n" },
    AiDef { ai: "3601", title: "NET VOLUME (qt (US))", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=360n" },
    AiDef { ai: "3602", title: "NET VOLUME (qt (US))", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=360n" },
    AiDef { ai: "3603", title: "NET VOLUME (qt (US))", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=360n" },
    AiDef { ai: "3604", title: "NET VOLUME (qt (US))", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=360n" },
    AiDef { ai: "3605", title: "NET VOLUME (qt (US))", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=360n" },
    AiDef { ai: "3610", title: "NET VOLUME (gal.)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=361n" },
    AiDef { ai: "3611", title: "NET VOLUME (gal.)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=361n" },
    AiDef { ai: "3612", title: "NET VOLUME (gal.)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=361n" },
    AiDef { ai: "3613", title: "NET VOLUME (gal.)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=361n" },
    AiDef { ai: "3614", title: "NET VOLUME (gal.)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=361n" },
    AiDef { ai: "3615", title: "NET VOLUME (gal.)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=361n" },
    AiDef { ai: "3620", title: "VOLUME (qt (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=362n" },
    AiDef { ai: "3621", title: "VOLUME (qt (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=362n" },
    AiDef { ai: "3622", title: "VOLUME (qt (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=362n" },
    AiDef { ai: "3623", title: "VOLUME (qt (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=362n" },
    AiDef { ai: "3624", title: "VOLUME (qt (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=362n" },
    AiDef { ai: "3625", title: "VOLUME (qt (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=362n" },
    AiDef { ai: "3630", title: "VOLUME (gal (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=363n" },
    AiDef { ai: "3631", title: "VOLUME (gal (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=363n" },
    AiDef { ai: "3632", title: "VOLUME (gal (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=363n" },
    AiDef { ai: "3633", title: "VOLUME (gal (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=363n" },
    AiDef { ai: "3634", title: "VOLUME (gal (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=363n" },
    AiDef { ai: "3635", title: "VOLUME (gal (US)), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=363n" },
    AiDef { ai: "3640", title: "NET VOLUME (in³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=364n" },
    AiDef { ai: "3641", title: "NET VOLUME (in³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=364n" },
    AiDef { ai: "3642", title: "NET VOLUME (in³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=364n" },
    AiDef { ai: "3643", title: "NET VOLUME (in³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=364n" },
    AiDef { ai: "3644", title: "NET VOLUME (in³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=364n" },
    AiDef { ai: "3645", title: "NET VOLUME (in³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=364n" },
    AiDef { ai: "3650", title: "NET VOLUME (ft³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=365n" },
    AiDef { ai: "3651", title: "NET VOLUME (ft³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=365n" },
    AiDef { ai: "3652", title: "NET VOLUME (ft³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=365n" },
    AiDef { ai: "3653", title: "NET VOLUME (ft³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=365n" },
    AiDef { ai: "3654", title: "NET VOLUME (ft³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=365n" },
    AiDef { ai: "3655", title: "NET VOLUME (ft³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=365n" },
    AiDef { ai: "3660", title: "NET VOLUME (yd³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=366n" },
    AiDef { ai: "3661", title: "NET VOLUME (yd³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=366n" },
    AiDef { ai: "3662", title: "NET VOLUME (yd³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=366n" },
    AiDef { ai: "3663", title: "NET VOLUME (yd³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=366n" },
    AiDef { ai: "3664", title: "NET VOLUME (yd³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=366n" },
    AiDef { ai: "3665", title: "NET VOLUME (yd³)", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02 ex=366n" },
    AiDef { ai: "3670", title: "VOLUME (in³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=367n" },
    AiDef { ai: "3671", title: "VOLUME (in³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=367n" },
    AiDef { ai: "3672", title: "VOLUME (in³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=367n" },
    AiDef { ai: "3673", title: "VOLUME (in³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=367n" },
    AiDef { ai: "3674", title: "VOLUME (in³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=367n" },
    AiDef { ai: "3675", title: "VOLUME (in³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=367n" },
    AiDef { ai: "3680", title: "VOLUME (ft³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=368n" },
    AiDef { ai: "3681", title: "VOLUME (ft³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=368n" },
    AiDef { ai: "3682", title: "VOLUME (ft³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=368n" },
    AiDef { ai: "3683", title: "VOLUME (ft³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=368n" },
    AiDef { ai: "3684", title: "VOLUME (ft³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=368n" },
    AiDef { ai: "3685", title: "VOLUME (ft³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=368n" },
    AiDef { ai: "3690", title: "VOLUME (yd³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=369n" },
    AiDef { ai: "3691", title: "VOLUME (yd³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=369n" },
    AiDef { ai: "3692", title: "VOLUME (yd³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=369n" },
    AiDef { ai: "3693", title: "VOLUME (yd³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=369n" },
    AiDef { ai: "3694", title: "VOLUME (yd³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=369n" },
    AiDef { ai: "3695", title: "VOLUME (yd³), log", fnc1_required: false, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=00,01 ex=369n" },
    AiDef { ai: "37", title: "COUNT", fnc1_required: true, dl_data_attribute: true, components: &[C5], dl_primary_key: None, associations: "req=00 req=02,8026" },
    AiDef { ai: "3900", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3901", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3902", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3903", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3904", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3905", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3906", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3907", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3908", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3909", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=255,8020 ex=390n,391n,394n,8111" },
    AiDef { ai: "3910", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3911", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3912", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3913", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3914", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3915", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3916", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3917", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3918", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3919", title: "AMOUNT", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=8020 ex=391n" },
    AiDef { ai: "3920", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3921", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3922", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3923", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3924", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3925", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3926", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3927", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3928", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3929", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C2], dl_primary_key: None, associations: "req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n" },
    AiDef { ai: "3930", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3931", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3932", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3933", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3934", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3935", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3936", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3937", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3938", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3939", title: "PRICE", fnc1_required: true, dl_data_attribute: true, components: &[C26, C2], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=393n" },
    AiDef { ai: "3940", title: "PRCNT OFF", fnc1_required: true, dl_data_attribute: true, components: &[C29], dl_primary_key: None, associations: "req=255 ex=394n,8111" },
    AiDef { ai: "3941", title: "PRCNT OFF", fnc1_required: true, dl_data_attribute: true, components: &[C29], dl_primary_key: None, associations: "req=255 ex=394n,8111" },
    AiDef { ai: "3942", title: "PRCNT OFF", fnc1_required: true, dl_data_attribute: true, components: &[C29], dl_primary_key: None, associations: "req=255 ex=394n,8111" },
    AiDef { ai: "3943", title: "PRCNT OFF", fnc1_required: true, dl_data_attribute: true, components: &[C29], dl_primary_key: None, associations: "req=255 ex=394n,8111" },
    AiDef { ai: "3950", title: "PRICE/UoM", fnc1_required: true, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=392n,393n,395n,8005" },
    AiDef { ai: "3951", title: "PRICE/UoM", fnc1_required: true, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=392n,393n,395n,8005" },
    AiDef { ai: "3952", title: "PRICE/UoM", fnc1_required: true, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=392n,393n,395n,8005" },
    AiDef { ai: "3953", title: "PRICE/UoM", fnc1_required: true, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=392n,393n,395n,8005" },
    AiDef { ai: "3954", title: "PRICE/UoM", fnc1_required: true, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=392n,393n,395n,8005" },
    AiDef { ai: "3955", title: "PRICE/UoM", fnc1_required: true, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=30,31nn,32nn,35nn,36nn ex=392n,393n,395n,8005" },
    AiDef { ai: "400", title: "ORDER NUMBER", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "" },
    AiDef { ai: "401", title: "GINC", fnc1_required: true, dl_data_attribute: true, components: &[C49], dl_primary_key: Some(&[&[]]), associations: "" },
    AiDef { ai: "402", title: "GSIN", fnc1_required: true, dl_data_attribute: true, components: &[C17], dl_primary_key: Some(&[&[]]), associations: "" },
    AiDef { ai: "403", title: "ROUTE", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "410", title: "SHIP TO LOC", fnc1_required: false, dl_data_attribute: true, components: &[C14], dl_primary_key: None, associations: "" },
    AiDef { ai: "411", title: "BILL TO", fnc1_required: false, dl_data_attribute: true, components: &[C14], dl_primary_key: None, associations: "" },
    AiDef { ai: "412", title: "PURCHASE FROM", fnc1_required: false, dl_data_attribute: true, components: &[C14], dl_primary_key: None, associations: "" },
    AiDef { ai: "413", title: "SHIP FOR LOC", fnc1_required: false, dl_data_attribute: true, components: &[C14], dl_primary_key: None, associations: "" },
    AiDef { ai: "414", title: "LOC No.", fnc1_required: false, dl_data_attribute: true, components: &[C14], dl_primary_key: Some(&[&["254"], &["7040"]]), associations: "" },
    AiDef { ai: "415", title: "PAY TO", fnc1_required: false, dl_data_attribute: true, components: &[C14], dl_primary_key: Some(&[&["8020"]]), associations: "req=8020" },
    AiDef { ai: "416", title: "PROD/SERV LOC", fnc1_required: false, dl_data_attribute: true, components: &[C14], dl_primary_key: None, associations: "" },
    AiDef { ai: "417", title: "PARTY", fnc1_required: false, dl_data_attribute: true, components: &[C14], dl_primary_key: Some(&[&["7040"]]), associations: "" },
    AiDef { ai: "420", title: "SHIP TO POST", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "ex=421" },
    AiDef { ai: "421", title: "SHIP TO POST", fnc1_required: true, dl_data_attribute: true, components: &[C24, C59], dl_primary_key: None, associations: "ex=4307" },
    AiDef { ai: "422", title: "ORIGIN", fnc1_required: true, dl_data_attribute: true, components: &[C24], dl_primary_key: None, associations: "req=01,02,8006,8026 ex=426" },
    AiDef { ai: "423", title: "COUNTRY - INITIAL PROCESS", fnc1_required: true, dl_data_attribute: true, components: &[C24, C73, C73, C73, C73], dl_primary_key: None, associations: "req=01,02 ex=426" },
    AiDef { ai: "424", title: "COUNTRY - PROCESS", fnc1_required: true, dl_data_attribute: true, components: &[C24], dl_primary_key: None, associations: "req=01,02 ex=426" },
    AiDef { ai: "425", title: "COUNTRY - DISASSEMBLY", fnc1_required: true, dl_data_attribute: true, components: &[C24, C73, C73, C73, C73], dl_primary_key: None, associations: "req=01,02 ex=426" },
    AiDef { ai: "426", title: "COUNTRY - FULL PROCESS", fnc1_required: true, dl_data_attribute: true, components: &[C24], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "427", title: "ORIGIN SUBDIVISION", fnc1_required: true, dl_data_attribute: true, components: &[C47], dl_primary_key: None, associations: "req=01,02 req=422" },
    AiDef { ai: "4300", title: "SHIP TO COMP", fnc1_required: true, dl_data_attribute: true, components: &[C51], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4301", title: "SHIP TO NAME", fnc1_required: true, dl_data_attribute: true, components: &[C51], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4302", title: "SHIP TO ADD1", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4303", title: "SHIP TO ADD2", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=4302" },
    AiDef { ai: "4304", title: "SHIP TO SUB", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4305", title: "SHIP TO LOC", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4306", title: "SHIP TO REG", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4307", title: "SHIP TO COUNTRY", fnc1_required: true, dl_data_attribute: true, components: &[C65], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4308", title: "SHIP TO PHONE", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4309", title: "SHIP TO GEO", fnc1_required: true, dl_data_attribute: true, components: &[C11, C12], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4310", title: "RTN TO COMP", fnc1_required: true, dl_data_attribute: true, components: &[C51], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4311", title: "RTN TO NAME", fnc1_required: true, dl_data_attribute: true, components: &[C51], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4312", title: "RTN TO ADD1", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4313", title: "RTN TO ADD2", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=4312" },
    AiDef { ai: "4314", title: "RTN TO SUB", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4315", title: "RTN TO LOC", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4316", title: "RTN TO REG", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4317", title: "RTN TO COUNTRY", fnc1_required: true, dl_data_attribute: true, components: &[C65], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4318", title: "RTN TO POST", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4319", title: "RTN TO PHONE", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4320", title: "SRV DESCRIPTION", fnc1_required: true, dl_data_attribute: true, components: &[C51], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4321", title: "DANGEROUS GOODS", fnc1_required: true, dl_data_attribute: true, components: &[C9], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4322", title: "AUTH TO LEAVE", fnc1_required: true, dl_data_attribute: true, components: &[C9], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4323", title: "SIG REQUIRED", fnc1_required: true, dl_data_attribute: true, components: &[C9], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4324", title: "NOT BEF DEL DT", fnc1_required: true, dl_data_attribute: true, components: &[C35, C30], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4325", title: "NOT AFT DEL DT", fnc1_required: true, dl_data_attribute: true, components: &[C35, C30], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4326", title: "REL DATE", fnc1_required: true, dl_data_attribute: true, components: &[C36], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "4330", title: "MAX TEMP F.", fnc1_required: true, dl_data_attribute: true, components: &[C34, C78], dl_primary_key: None, associations: "req=00 ex=4331" },
    AiDef { ai: "4331", title: "MAX TEMP C.", fnc1_required: true, dl_data_attribute: true, components: &[C34, C78], dl_primary_key: None, associations: "req=00 ex=4330" },
    AiDef { ai: "4332", title: "MIN TEMP F.", fnc1_required: true, dl_data_attribute: true, components: &[C34, C78], dl_primary_key: None, associations: "req=00 ex=4333" },
    AiDef { ai: "4333", title: "MIN TEMP C.", fnc1_required: true, dl_data_attribute: true, components: &[C34, C78], dl_primary_key: None, associations: "req=00 ex=4332" },
    AiDef { ai: "7001", title: "NSN", fnc1_required: true, dl_data_attribute: true, components: &[C13], dl_primary_key: None, associations: "req=01,02,8006,8026" },
    AiDef { ai: "7002", title: "MEAT CUT", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7003", title: "EXPIRY TIME", fnc1_required: true, dl_data_attribute: true, components: &[C36, C30], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7004", title: "ACTIVE POTENCY", fnc1_required: true, dl_data_attribute: true, components: &[C3], dl_primary_key: None, associations: "req=01+10" },
    AiDef { ai: "7005", title: "CATCH AREA", fnc1_required: true, dl_data_attribute: true, components: &[C39], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7006", title: "FIRST FREEZE DATE", fnc1_required: true, dl_data_attribute: true, components: &[C36], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7007", title: "HARVEST DATE", fnc1_required: true, dl_data_attribute: true, components: &[C36, C75], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7008", title: "AQUATIC SPECIES", fnc1_required: true, dl_data_attribute: true, components: &[C47], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7009", title: "FISHING GEAR TYPE", fnc1_required: true, dl_data_attribute: true, components: &[C38], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7010", title: "PROD METHOD", fnc1_required: true, dl_data_attribute: true, components: &[C40], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7011", title: "TEST BY DATE", fnc1_required: true, dl_data_attribute: true, components: &[C36, C74], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7020", title: "REFURB LOT", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01,8006 req=416" },
    AiDef { ai: "7021", title: "FUNC STAT", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01,8006" },
    AiDef { ai: "7022", title: "REV STAT", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=7021" },
    AiDef { ai: "7023", title: "GIAI - ASSEMBLY", fnc1_required: true, dl_data_attribute: true, components: &[C49], dl_primary_key: None, associations: "" },
    AiDef { ai: "7030", title: "PROCESSOR # 0", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7031", title: "PROCESSOR # 1", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7032", title: "PROCESSOR # 2", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7033", title: "PROCESSOR # 3", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7034", title: "PROCESSOR # 4", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7035", title: "PROCESSOR # 5", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7036", title: "PROCESSOR # 6", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7037", title: "PROCESSOR # 7", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7038", title: "PROCESSOR # 8", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7039", title: "PROCESSOR # 9", fnc1_required: true, dl_data_attribute: true, components: &[C25, C45], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "7040", title: "UIC+EXT", fnc1_required: true, dl_data_attribute: false, components: &[C6, C62, C62, C63], dl_primary_key: None, associations: "" },
    AiDef { ai: "7041", title: "UFRGT UNIT TYPE", fnc1_required: true, dl_data_attribute: false, components: &[C52], dl_primary_key: None, associations: "req=00" },
    AiDef { ai: "710", title: "NHRN PZN", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "711", title: "NHRN CIP", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "712", title: "NHRN CN", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "713", title: "NHRN DRN", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "714", title: "NHRN AIM", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "715", title: "NHRN NDC", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "716", title: "NHRN AIC", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "717", title: "NHRN SRN", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "7230", title: "CERT # 1", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7231", title: "CERT # 2", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7232", title: "CERT # 3", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7233", title: "CERT # 4", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7234", title: "CERT # 5", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7235", title: "CERT # 6", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7236", title: "CERT # 7", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7237", title: "CERT # 8", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7238", title: "CERT # 9", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7239", title: "CERT # 10", fnc1_required: true, dl_data_attribute: true, components: &[C64, C46], dl_primary_key: None, associations: "req=01,8004" },
    AiDef { ai: "7240", title: "PROTOCOL", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01,8006" },
    AiDef { ai: "7241", title: "AIDC MEDIA TYPE", fnc1_required: true, dl_data_attribute: true, components: &[C23], dl_primary_key: None, associations: "req=8017,8018" },
    AiDef { ai: "7242", title: "VCN", fnc1_required: true, dl_data_attribute: true, components: &[C42], dl_primary_key: None, associations: "req=8017,8018" },
    AiDef { ai: "7250", title: "DOB", fnc1_required: true, dl_data_attribute: true, components: &[C37], dl_primary_key: None, associations: "req=8018 ex=7251" },
    AiDef { ai: "7251", title: "DOB TIME", fnc1_required: true, dl_data_attribute: true, components: &[C37, C30], dl_primary_key: None, associations: "req=8018 ex=7250" },
    AiDef { ai: "7252", title: "BIO SEX", fnc1_required: true, dl_data_attribute: true, components: &[C7], dl_primary_key: None, associations: "req=8018" },
    AiDef { ai: "7253", title: "FAMILY NAME", fnc1_required: true, dl_data_attribute: true, components: &[C53], dl_primary_key: None, associations: "req=8017,8018 ex=7256,7259" },
    AiDef { ai: "7254", title: "GIVEN NAME", fnc1_required: true, dl_data_attribute: true, components: &[C53], dl_primary_key: None, associations: "req=8017,8018 ex=7256,7259" },
    AiDef { ai: "7255", title: "SUFFIX", fnc1_required: true, dl_data_attribute: true, components: &[C38], dl_primary_key: None, associations: "req=8017,8018 ex=7256,7259" },
    AiDef { ai: "7256", title: "FULL NAME", fnc1_required: true, dl_data_attribute: true, components: &[C61], dl_primary_key: None, associations: "req=8017,8018" },
    AiDef { ai: "7257", title: "PERSON ADDR", fnc1_required: true, dl_data_attribute: true, components: &[C58], dl_primary_key: None, associations: "req=8018" },
    AiDef { ai: "7258", title: "BIRTH SEQUENCE", fnc1_required: true, dl_data_attribute: true, components: &[C66], dl_primary_key: None, associations: "req=8018+7259" },
    AiDef { ai: "7259", title: "BABY", fnc1_required: true, dl_data_attribute: true, components: &[C53], dl_primary_key: None, associations: "req=8018 ex=7256" },
    AiDef { ai: "8001", title: "DIMENSIONS", fnc1_required: true, dl_data_attribute: true, components: &[C31, C33, C27, C8, C6], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "8002", title: "CMT No.", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "" },
    AiDef { ai: "8003", title: "GRAI", fnc1_required: true, dl_data_attribute: true, components: &[C10, C14, C76], dl_primary_key: Some(&[&[]]), associations: "" },
    AiDef { ai: "8004", title: "GIAI", fnc1_required: true, dl_data_attribute: true, components: &[C49], dl_primary_key: Some(&[&["7040"]]), associations: "" },
    AiDef { ai: "8005", title: "PRICE PER UNIT", fnc1_required: true, dl_data_attribute: true, components: &[C34], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "8006", title: "ITIP", fnc1_required: true, dl_data_attribute: true, components: &[C15, C32], dl_primary_key: Some(&[&["22", "10", "21"]]), associations: "ex=01,37" },
    AiDef { ai: "8007", title: "IBAN", fnc1_required: true, dl_data_attribute: true, components: &[C50], dl_primary_key: None, associations: "req=415" },
    AiDef { ai: "8008", title: "PROD TIME", fnc1_required: true, dl_data_attribute: true, components: &[C36, C22, C71, C72], dl_primary_key: None, associations: "req=01,02" },
    AiDef { ai: "8009", title: "OPTSEN", fnc1_required: true, dl_data_attribute: true, components: &[C54], dl_primary_key: None, associations: "req=00,01" },
    AiDef { ai: "8010", title: "CPID", fnc1_required: true, dl_data_attribute: true, components: &[C67], dl_primary_key: Some(&[&["8011"]]), associations: "" },
    AiDef { ai: "8011", title: "CPID SERIAL", fnc1_required: true, dl_data_attribute: false, components: &[C1], dl_primary_key: None, associations: "req=8010" },
    AiDef { ai: "8012", title: "VERSION", fnc1_required: true, dl_data_attribute: true, components: &[C41], dl_primary_key: None, associations: "req=01,8006" },
    AiDef { ai: "8013", title: "GMN", fnc1_required: true, dl_data_attribute: true, components: &[C43], dl_primary_key: Some(&[&[]]), associations: "" },
    AiDef { ai: "8014", title: "MUDI", fnc1_required: true, dl_data_attribute: false, components: &[C44], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "8017", title: "GSRN - PROVIDER", fnc1_required: true, dl_data_attribute: true, components: &[C19], dl_primary_key: Some(&[&["8019"]]), associations: "ex=8018" },
    AiDef { ai: "8018", title: "GSRN - RECIPIENT", fnc1_required: true, dl_data_attribute: true, components: &[C19], dl_primary_key: Some(&[&["8019"]]), associations: "ex=8017" },
    AiDef { ai: "8019", title: "SRIN", fnc1_required: true, dl_data_attribute: false, components: &[C0], dl_primary_key: None, associations: "req=8017,8018" },
    AiDef { ai: "8020", title: "REF No.", fnc1_required: true, dl_data_attribute: false, components: &[C42], dl_primary_key: None, associations: "req=415" },
    AiDef { ai: "8026", title: "ITIP CONTENT", fnc1_required: true, dl_data_attribute: true, components: &[C15, C32], dl_primary_key: None, associations: "req=37 ex=02,8006" },
    AiDef { ai: "8030", title: "DIGSIG", fnc1_required: true, dl_data_attribute: true, components: &[C68], dl_primary_key: None, associations: "req=00,01+21,253,255,8003,8004,8006+21,8010+8011,8017,8018" },
    AiDef { ai: "8040", title: "IMEI", fnc1_required: true, dl_data_attribute: false, components: &[C16], dl_primary_key: None, associations: "req=01+21" },
    AiDef { ai: "8041", title: "IMEI2", fnc1_required: true, dl_data_attribute: false, components: &[C16], dl_primary_key: None, associations: "req=01+21+8040" },
    AiDef { ai: "8042", title: "ESIM", fnc1_required: true, dl_data_attribute: false, components: &[C28], dl_primary_key: None, associations: "req=01+21+8040" },
    AiDef { ai: "8043", title: "PSIM", fnc1_required: true, dl_data_attribute: false, components: &[C18, C70], dl_primary_key: None, associations: "req=01+21+8040" },
    AiDef { ai: "8110", title: "", fnc1_required: true, dl_data_attribute: true, components: &[C56], dl_primary_key: None, associations: "" },
    AiDef { ai: "8111", title: "POINTS", fnc1_required: true, dl_data_attribute: true, components: &[C29], dl_primary_key: None, associations: "req=255" },
    AiDef { ai: "8112", title: "", fnc1_required: true, dl_data_attribute: true, components: &[C57], dl_primary_key: None, associations: "" },
    AiDef { ai: "8200", title: "PRODUCT URL", fnc1_required: true, dl_data_attribute: false, components: &[C55], dl_primary_key: None, associations: "req=01" },
    AiDef { ai: "90", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C48], dl_primary_key: None, associations: "" },
    AiDef { ai: "91", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C60], dl_primary_key: None, associations: "" },
    AiDef { ai: "92", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C60], dl_primary_key: None, associations: "" },
    AiDef { ai: "93", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C60], dl_primary_key: None, associations: "" },
    AiDef { ai: "94", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C60], dl_primary_key: None, associations: "" },
    AiDef { ai: "95", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C60], dl_primary_key: None, associations: "" },
    AiDef { ai: "96", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C60], dl_primary_key: None, associations: "" },
    AiDef { ai: "97", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C60], dl_primary_key: None, associations: "" },
    AiDef { ai: "98", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C60], dl_primary_key: None, associations: "" },
    AiDef { ai: "99", title: "INTERNAL", fnc1_required: true, dl_data_attribute: true, components: &[C60], dl_primary_key: None, associations: "" },
];
