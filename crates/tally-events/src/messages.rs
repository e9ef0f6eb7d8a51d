//! The message catalogue of this crate: every error and report a person reads, written in the
//! one localisation style of tally ([`tally_vocab::bilingual!`]): one `message` match per
//! type, each message's English and Spanish side by side, so adding a message is one arm
//! (design-notes §8).
//!
//! The English text is also the type's `Display` ([`tally_vocab::display_in_english!`]); the
//! matches have no wildcard, so a new variant cannot be added without both texts. Messages that
//! carry another message (a damaged record inside a chain report) render it in the same
//! language.

pub use tally_vocab::{Language, Message};

use tally_vocab::{bilingual, display_in_english};

use crate::chain::{Anomaly, ChainFailure, FailureKind};
use crate::custody::CustodyError;
use crate::domain::DomainError;
use crate::error::{DecodeError, EncodeError, Error, VerifyError};
use crate::export::ExportError;
use crate::keyfile::KeyFileError;
use crate::merkle::{ConsistencyError, InclusionError};
use crate::note::NoteError;
use crate::trailer::TrailerError;

display_in_english!(
    DecodeError,
    EncodeError,
    VerifyError,
    KeyFileError,
    DomainError,
    ExportError,
    Anomaly,
    ChainFailure,
    TrailerError,
    CustodyError,
    NoteError,
    InclusionError,
    ConsistencyError,
);

impl Message for DecodeError {
    fn message(&self, language: Language) -> String {
        match self {
            DecodeError::Truncated {
                offset,
                wanted,
                available,
            } => bilingual!(language,
                en: "the data is cut short at byte {offset}: {wanted} more bytes were expected, {available} are there",
                es: "los datos están cortados en el byte {offset}: se esperaban {wanted} bytes más, hay {available}",
            ),
            DecodeError::TrailingBytes { offset, count } => bilingual!(language,
                en: "{count} unexpected extra bytes at byte {offset}",
                es: "{count} bytes de más inesperados en el byte {offset}",
            ),
            DecodeError::TooLong {
                offset,
                what,
                len,
                max,
            } => bilingual!(language,
                en: "a {what} at byte {offset} is {len} long, more than the limit of {max}",
                es: "un campo ({what}) en el byte {offset} mide {len}, más que el límite de {max}",
            ),
            DecodeError::BadUtf8 { offset } => bilingual!(language,
                en: "the text at byte {offset} is not valid UTF-8",
                es: "el texto en el byte {offset} no es UTF-8 válido",
            ),
            DecodeError::BadBool { offset, value } => bilingual!(language,
                en: "a yes/no value at byte {offset} is {value}, not 0 or 1",
                es: "un valor sí/no en el byte {offset} vale {value}, no 0 ni 1",
            ),
            DecodeError::BadOptionTag { offset, value } => bilingual!(language,
                en: "an optional field at byte {offset} has tag {value}, not 0 or 1",
                es: "un campo opcional en el byte {offset} tiene la marca {value}, no 0 ni 1",
            ),
            DecodeError::UnknownCode {
                offset,
                what,
                value,
            } => bilingual!(language,
                en: "a {what} at byte {offset} has code {value}, which this version of tally does not know",
                es: "un {what} en el byte {offset} tiene el código {value}, que esta versión de tally no conoce",
            ),
            DecodeError::BadDate { year, month, day } => bilingual!(language,
                en: "the date {year:04}-{month:02}-{day:02} does not exist",
                es: "la fecha {year:04}-{month:02}-{day:02} no existe",
            ),
            DecodeError::BadMagic => bilingual!(language,
                en: "this is not a tally event (it does not start with \"TLEV\")",
                es: "esto no es un evento de tally (no empieza con \"TLEV\")",
            ),
            DecodeError::UnsupportedVersion { version } => bilingual!(language,
                en: "the event is in format version {version}, which this version of tally cannot read",
                es: "el evento está en la versión de formato {version}, que esta versión de tally no puede leer",
            ),
            DecodeError::BadPrev { seq } => bilingual!(language,
                en: "event {seq} has a previous-event hash that is not allowed for its position",
                es: "el evento {seq} tiene un hash del evento anterior que no corresponde a su posición",
            ),
            DecodeError::GenesisKind { seq } => bilingual!(language,
                en: "event {seq} breaks the genesis rule: a device's first event, and only that one, is its enrollment",
                es: "el evento {seq} rompe la regla del génesis: el primer evento de un dispositivo, y solo ese, es su alta",
            ),
            DecodeError::ZeroSeq => bilingual!(language,
                en: "the event has sequence number 0; numbering starts at 1",
                es: "el evento tiene el número de secuencia 0; la numeración empieza en 1",
            ),
            DecodeError::BadExportMagic => bilingual!(language,
                en: "this is not a tally log export (it does not start with \"TALLYLOG\")",
                es: "esto no es una exportación de registro de tally (no empieza con \"TALLYLOG\")",
            ),
            DecodeError::BadTrailer => bilingual!(language,
                en: "the export's trailer is not a tally export trailer (it does not start with \"TLXT\", or has an unknown version or variant)",
                es: "el final (trailer) de la exportación no es un trailer de exportación de tally (no empieza con \"TLXT\", o tiene una versión o variante desconocida)",
            ),
            DecodeError::FieldOverLimit { field, len, max } => bilingual!(language,
                en: "the field {field} is {len} long, more than its limit of {max}",
                es: "el campo {field} mide {len}, más que su límite de {max}",
            ),
            DecodeError::UnsupportedExport { version, flags } => bilingual!(language,
                en: "the log export is in format version {version} (flags {flags}), which this version of tally cannot read",
                es: "la exportación está en la versión de formato {version} (indicadores {flags}), que esta versión de tally no puede leer",
            ),
        }
    }
}

impl Message for EncodeError {
    fn message(&self, language: Language) -> String {
        match self {
            EncodeError::TooLong { what, len, max } => bilingual!(language,
                en: "a {what} is {len} long, more than the limit of {max}",
                es: "un campo ({what}) mide {len}, más que el límite de {max}",
            ),
            EncodeError::FieldOverLimit { field, len, max } => bilingual!(language,
                en: "the field {field} is {len} long, more than its limit of {max}",
                es: "el campo {field} mide {len}, más que su límite de {max}",
            ),
            EncodeError::KnownKindAsUnknown { kind } => bilingual!(language,
                en: "payload kind {kind} is a known kind; build it with its own type, not as unknown bytes",
                es: "el tipo de contenido {kind} es conocido; constrúyalo con su propio tipo, no como bytes desconocidos",
            ),
            EncodeError::NotRecordable { what, value } => bilingual!(language,
                en: "a {what} of {value} cannot be recorded in an event",
                es: "un {what} de {value} no se puede registrar en un evento",
            ),
            EncodeError::SeqExhausted => bilingual!(language,
                en: "this device's event numbering is exhausted",
                es: "la numeración de eventos de este dispositivo está agotada",
            ),
            EncodeError::GenesisRule => bilingual!(language,
                en: "the first event of a device must be its enrollment, and only the first",
                es: "el primer evento de un dispositivo debe ser su alta, y solo el primero",
            ),
        }
    }
}

impl Message for Error {
    fn message(&self, language: Language) -> String {
        match self {
            Error::Encode(error) => error.message(language),
            Error::Decode(error) => error.message(language),
            Error::Verify(error) => error.message(language),
            Error::Export(error) => error.message(language),
        }
    }
}

impl Message for VerifyError {
    fn message(&self, language: Language) -> String {
        match self {
            VerifyError::Malformed(error) => {
                let cause = error.message(language);
                bilingual!(language,
                    en: "malformed event: {cause}",
                    es: "evento dañado: {cause}",
                )
            }
            VerifyError::BadKey => bilingual!(language,
                en: "the device key is not a valid public key (weak or malformed)",
                es: "la clave del dispositivo no es una clave pública válida (débil o mal formada)",
            ),
            VerifyError::AlteredPayload => bilingual!(language,
                en: "the payload was altered: it does not match the hash the device signed",
                es: "el contenido fue alterado: no coincide con el hash que firmó el dispositivo",
            ),
            VerifyError::BadSignature => bilingual!(language,
                en: "the signature is not valid for this event",
                es: "la firma de este evento no es válida",
            ),
        }
    }
}

impl Message for KeyFileError {
    fn message(&self, language: Language) -> String {
        match self {
            KeyFileError::Damaged => bilingual!(language,
                en: "the device key file is damaged or is not a tally key file",
                es: "el archivo de clave del dispositivo está dañado o no es un archivo de clave de tally",
            ),
            KeyFileError::UnsupportedVersion(version) => bilingual!(language,
                en: "the device key file is in format version {version}, which this version of tally cannot read",
                es: "el archivo de clave del dispositivo está en la versión {version}, que esta versión de tally no puede leer",
            ),
            KeyFileError::RestoreDetected { db_head, recorded } => bilingual!(language,
                en: "restored from a backup: re-enroll (the database ends at event {db_head}, but this device's key file recorded event {recorded})",
                es: "restaurada desde una copia de seguridad: vuelva a dar de alta el dispositivo (la base de datos termina en el evento {db_head}, pero el archivo de clave de este dispositivo registró el evento {recorded})",
            ),
            KeyFileError::NotVouched { seq } => bilingual!(language,
                en: "restored from a backup: re-enroll (the database's event {seq} is not the one this device's key file recorded)",
                es: "restaurada desde una copia de seguridad: vuelva a dar de alta el dispositivo (el evento {seq} de la base de datos no es el que registró el archivo de clave de este dispositivo)",
            ),
            KeyFileError::DatabaseReplaced => bilingual!(language,
                en: "restored from a backup: re-enroll (the database file is not the one this device's key file was written for; it was replaced by a copy)",
                es: "restaurada desde una copia de seguridad: vuelva a dar de alta el dispositivo (el archivo de la base de datos no es aquel para el que se escribió el archivo de clave de este dispositivo; fue reemplazado por una copia)",
            ),
            KeyFileError::KeyFileRolledBack {
                db_head,
                reserved_through,
            } => bilingual!(language,
                en: "the device key file is older than the database (it reserved events up to {reserved_through}, the database holds {db_head}); re-enroll the device",
                es: "el archivo de clave del dispositivo es más antiguo que la base de datos (reservó eventos hasta el {reserved_through}, la base de datos tiene {db_head}); vuelva a dar de alta el dispositivo",
            ),
            KeyFileError::NotReserved {
                seq,
                reserved_through,
            } => bilingual!(language,
                en: "event {seq} is beyond the events reserved in the device key file (up to {reserved_through}); reserve a new block first",
                es: "el evento {seq} está fuera de los eventos reservados en el archivo de clave (hasta el {reserved_through}); reserve un nuevo bloque primero",
            ),
            KeyFileError::Exhausted => bilingual!(language,
                en: "this device's event numbering is exhausted; re-enroll the device",
                es: "la numeración de eventos de este dispositivo se agotó; vuelva a dar de alta el dispositivo",
            ),
        }
    }
}

impl Message for DomainError {
    fn message(&self, language: Language) -> String {
        match self {
            DomainError::BadLabel(label) => bilingual!(language,
                en: "the signature domain label {label:?} is not 1 to 64 characters of a-z, 0-9, '.', '-' or '_'",
                es: "la etiqueta de dominio de firma {label:?} no tiene de 1 a 64 caracteres de a-z, 0-9, '.', '-' o '_'",
            ),
            DomainError::EventDomain(label) => bilingual!(language,
                en: "the signature domain label {label:?} is reserved for events",
                es: "la etiqueta de dominio de firma {label:?} está reservada para los eventos",
            ),
            DomainError::BadSignature => bilingual!(language,
                en: "the signature does not match this device, domain and message",
                es: "la firma no corresponde a este dispositivo, dominio y mensaje",
            ),
            DomainError::BadKey => bilingual!(language,
                en: "the device id is not a valid public key",
                es: "el identificador del dispositivo no es una clave pública válida",
            ),
        }
    }
}

impl Message for ExportError {
    fn message(&self, language: Language) -> String {
        match self {
            ExportError::Io(error) => bilingual!(language,
                en: "could not read or write the log: {error}",
                es: "no se pudo leer ni escribir el registro: {error}",
            ),
            ExportError::Header(error) => error.message(language),
            ExportError::BadLength { position, len, max } => bilingual!(language,
                en: "record {position} claims to be {len} bytes long, which is not allowed (1 to {max})",
                es: "el registro {position} dice medir {len} bytes, lo que no está permitido (de 1 a {max})",
            ),
            ExportError::Truncated { position } => bilingual!(language,
                en: "the log ends in the middle of record {position}: the file is cut short",
                es: "el registro termina en medio del registro {position}: el archivo está cortado",
            ),
            ExportError::MissingTrailer { records } => bilingual!(language,
                en: "the log ends after record {records} without its trailer: the export was cut short (truncated)",
                es: "el registro termina después del registro {records} sin su cierre (trailer): la exportación está cortada (truncada)",
            ),
            ExportError::Trailer(error) => {
                let cause = error.message(language);
                bilingual!(language,
                    en: "the export's trailer is damaged: {cause}",
                    es: "el cierre (trailer) de la exportación está dañado: {cause}",
                )
            }
            ExportError::TrailerRule { version, what } => bilingual!(language,
                en: "a version {version} export {what}",
                es: "una exportación de versión {version}: {what}",
            ),
        }
    }
}

impl Message for Anomaly {
    fn message(&self, language: Language) -> String {
        match self {
            Anomaly::WallClockSteppedBack { seq, by_ms } => bilingual!(language,
                en: "event {seq}: the device's clock went back {by_ms} ms (order comes from the sequence number, the chain is intact)",
                es: "evento {seq}: el reloj del dispositivo retrocedió {by_ms} ms (el orden lo da el número de secuencia, la cadena está intacta)",
            ),
            Anomaly::Reboot { seq } => bilingual!(language,
                en: "event {seq}: first event after a reboot",
                es: "evento {seq}: primer evento después de un reinicio",
            ),
        }
    }
}

impl Message for ChainFailure {
    fn message(&self, language: Language) -> String {
        let seq = self.seq;
        let n = self.position + 1;
        match &self.kind {
            FailureKind::Empty => bilingual!(language,
                en: "the log holds no events",
                es: "el registro no contiene eventos",
            ),
            FailureKind::Malformed(error) => {
                let cause = error.message(language);
                bilingual!(language,
                    en: "record {n} (where event {seq} should be) is damaged: {cause}",
                    es: "el registro {n} (donde debería estar el evento {seq}) está dañado: {cause}",
                )
            }
            FailureKind::BadKey => bilingual!(language,
                en: "event {seq}: the device key is not a valid public key",
                es: "evento {seq}: la clave del dispositivo no es una clave pública válida",
            ),
            FailureKind::BadSignature => bilingual!(language,
                en: "event {seq}: bad signature (the signed header was altered or not signed by this device)",
                es: "evento {seq}: firma inválida (el encabezado firmado fue alterado o no lo firmó este dispositivo)",
            ),
            FailureKind::AlteredPayload => bilingual!(language,
                en: "event {seq}: altered payload (its content does not match what the device signed)",
                es: "evento {seq}: contenido alterado (no coincide con lo que firmó el dispositivo)",
            ),
            FailureKind::WrongAuthor { expected, found } => bilingual!(language,
                en: "event {seq}: signed by device {found}, but this chain belongs to device {expected}",
                es: "evento {seq}: firmado por el dispositivo {found}, pero esta cadena pertenece al dispositivo {expected}",
            ),
            FailureKind::Missing {
                next_present: Some(next),
            } if *next > seq + 1 => {
                let last = next - 1;
                bilingual!(language,
                    en: "events {seq} to {last} are missing",
                    es: "faltan los eventos {seq} a {last}",
                )
            }
            FailureKind::Missing { .. } => bilingual!(language,
                en: "event {seq} is missing",
                es: "falta el evento {seq}",
            ),
            FailureKind::Reordered { found } => bilingual!(language,
                en: "event {found} comes before event {seq}: the events are out of order",
                es: "el evento {found} aparece antes que el evento {seq}: los eventos están desordenados",
            ),
            FailureKind::Duplicated => bilingual!(language,
                en: "event {seq} appears twice",
                es: "el evento {seq} aparece dos veces",
            ),
            FailureKind::Fork { first, second } => {
                let (first, second) = (first.record_hash(), second.record_hash());
                bilingual!(language,
                    en: "fork at event {seq}: the device signed two different events with this number (records {first} and {second}); both are kept as evidence",
                    es: "bifurcación en el evento {seq}: el dispositivo firmó dos eventos distintos con este número (registros {first} y {second}); ambos se conservan como prueba",
                )
            }
            FailureKind::BrokenLink => {
                let previous = seq.saturating_sub(1);
                bilingual!(language,
                    en: "event {seq} does not follow event {previous}: its link to the previous event does not match",
                    es: "el evento {seq} no sigue al evento {previous}: su enlace con el evento anterior no coincide",
                )
            }
            FailureKind::BeforeStart { first_seq } => bilingual!(language,
                en: "event {seq} is at or before the verified head this log continues (it must start at event {first_seq})",
                es: "el evento {seq} es anterior o igual al último evento ya verificado que este registro continúa (debe empezar en el evento {first_seq})",
            ),
            FailureKind::TimeWentBackwards { by_us } => bilingual!(language,
                en: "event {seq}: the time since boot went back {by_us} µs within one boot",
                es: "evento {seq}: el tiempo desde el arranque retrocedió {by_us} µs dentro de un mismo arranque",
            ),
        }
    }
}

impl Message for TrailerError {
    fn message(&self, language: Language) -> String {
        match self {
            TrailerError::Malformed(error) => {
                let cause = error.message(language);
                bilingual!(language,
                    en: "the export's trailer is damaged: {cause}",
                    es: "el cierre (trailer) de la exportación está dañado: {cause}",
                )
            }
            TrailerError::WrongDevice { expected, found } => bilingual!(language,
                en: "the export's trailer is signed by device {found}, not by the device of its events ({expected})",
                es: "el cierre de la exportación está firmado por el dispositivo {found}, no por el dispositivo de sus eventos ({expected})",
            ),
            TrailerError::BadSignature => bilingual!(language,
                en: "the export's trailer signature is not valid",
                es: "la firma del cierre de la exportación no es válida",
            ),
            TrailerError::Mismatch {
                claimed,
                claimed_seq,
                found,
                found_seq,
            } => bilingual!(language,
                en: "the trailer says the export holds {claimed} records ending with event {claimed_seq}, but it holds {found} ending with event {found_seq}",
                es: "el cierre dice que la exportación tiene {claimed} registros que terminan en el evento {claimed_seq}, pero tiene {found} que terminan en el evento {found_seq}",
            ),
            TrailerError::WrongHead { claimed, found } => bilingual!(language,
                en: "the trailer names another last record ({claimed}) than the export's ({found})",
                es: "el cierre nombra otro último registro ({claimed}) que el de la exportación ({found})",
            ),
            TrailerError::Checkpoint(error) => {
                let cause = error.message(language);
                bilingual!(language,
                    en: "{cause}",
                    es: "el punto de control del ledger no es válido o no está firmado por esa clave: {cause}",
                )
            }
            TrailerError::Inclusion(error) => {
                let cause = error.message(language);
                bilingual!(language,
                    en: "the ledger's inclusion proof of the last record fails: {cause}",
                    es: "la prueba de inclusión del último registro en el ledger falla: {cause}",
                )
            }
        }
    }
}

impl Message for CustodyError {
    fn message(&self, language: Language) -> String {
        use CustodyError as C;
        match self {
            C::NotABundle => bilingual!(language,
                en: "this is not a custody bundle (it does not start with TALLYCUS)",
                es: "esto no es un paquete de custodia (no empieza con TALLYCUS)",
            ),
            C::UnsupportedVersion(version) => bilingual!(language,
                en: "custody bundle version {version} is not supported (this build reads version 1)",
                es: "la versión {version} del paquete de custodia no es compatible (esta versión lee la 1)",
            ),
            C::NonZeroReserved => bilingual!(language,
                en: "the bundle's flags or reserved bytes are not zero",
                es: "los indicadores o bytes reservados del paquete no son cero",
            ),
            C::Truncated(what) => bilingual!(language,
                en: "the bundle is truncated: it ends inside {what}",
                es: "el paquete está cortado: termina dentro de {what}",
            ),
            C::BadLength(what) => bilingual!(language,
                en: "the bundle is malformed: {what} has a length outside its limits",
                es: "el paquete está mal formado: {what} tiene una longitud fuera de sus límites",
            ),
            C::NotUtf8(what) => bilingual!(language,
                en: "the bundle is malformed: {what} is not UTF-8 text",
                es: "el paquete está mal formado: {what} no es texto UTF-8",
            ),
            C::UnknownRole(role) => bilingual!(language,
                en: "the bundle is malformed: an entry has the unknown role {role}",
                es: "el paquete está mal formado: una entrada tiene el papel desconocido {role}",
            ),
            C::TrailingBytes(n) => bilingual!(language,
                en: "the bundle has {n} bytes after its last entry",
                es: "el paquete tiene {n} bytes de más después de su última entrada",
            ),
            C::CheckpointSignature(error) => {
                let error = error.message(language);
                bilingual!(language,
                    en: "the bundle's checkpoint is not signed by this ledger key: {error}",
                    es: "el punto de control del paquete no está firmado por esta clave del libro central: {error}",
                )
            }
            C::BadCheckpoint(reason) => bilingual!(language,
                en: "the bundle's checkpoint is not a valid checkpoint of this ledger's log: {reason}",
                es: "el punto de control del paquete no es un punto de control válido del registro de este libro central: {reason}",
            ),
            C::StatementSignature(error) => {
                let error = error.message(language);
                bilingual!(language,
                    en: "the bundle's custody statement is not signed by this ledger key: {error}",
                    es: "la declaración de custodia del paquete no está firmada por esta clave del libro central: {error}",
                )
            }
            C::BadStatement(reason) => bilingual!(language,
                en: "the bundle's custody statement is malformed: {reason}",
                es: "la declaración de custodia está mal formada: {reason}",
            ),
            C::StatementForAnotherCheckpoint {
                statement,
                checkpoint,
            } => bilingual!(language,
                en: "the custody statement was signed for another checkpoint (tree of {statement} entries) than the bundle's (tree of {checkpoint})",
                es: "la declaración de custodia se firmó para otro punto de control (árbol de {statement} entradas) que el del paquete (árbol de {checkpoint})",
            ),
            C::OutOfOrder { position, index } => bilingual!(language,
                en: "entry {position} (log index {index}) is out of log order: entries must be in strictly increasing index order",
                es: "la entrada {position} (índice {index} del registro) está fuera de orden: las entradas van en orden estrictamente creciente de índice",
            ),
            C::BadRecord {
                position,
                index,
                reason,
            } => bilingual!(language,
                en: "entry {position} (log index {index}) is not a valid record: {reason}",
                es: "la entrada {position} (índice {index}) no es un registro válido: {reason}",
            ),
            C::BadSignature {
                position,
                index,
                reason,
            } => bilingual!(language,
                en: "entry {position} (log index {index}) does not carry a valid signature of its device: {reason}",
                es: "la entrada {position} (índice {index}) no lleva una firma válida de su dispositivo: {reason}",
            ),
            C::NotInLog {
                position,
                index,
                reason,
            } => {
                let reason = reason.message(language);
                bilingual!(language,
                    en: "entry {position} (log index {index}) is not proved to be in the checkpoint's log: {reason}",
                    es: "no se prueba que la entrada {position} (índice {index}) esté en el registro del punto de control: {reason}",
                )
            }
            C::ForeignEvent {
                position,
                index,
                uid,
            } => bilingual!(language,
                en: "entry {position} (log index {index}) is listed as an event of {uid} but its payload does not name that UID",
                es: "la entrada {position} (índice {index}) figura como evento de {uid}, pero su contenido no nombra ese UID",
            ),
            C::BadContext {
                position,
                index,
                role,
                reason,
            } => bilingual!(language,
                en: "entry {position} (log index {index}) is not a {role} entry of this bundle: {reason}",
                es: "la entrada {position} (índice {index}) no es una entrada de tipo {role} de este paquete: {reason}",
            ),
            C::BrokenChain {
                device,
                seq,
                reason,
            } => bilingual!(language,
                en: "device {device}: seq {seq} does not follow its earlier record in the bundle ({reason})",
                es: "dispositivo {device}: el evento {seq} no sigue a su registro anterior del paquete ({reason})",
            ),
            C::MissingGenesis(device) => bilingual!(language,
                en: "device {device} recorded events of the UID but its genesis is not in the bundle",
                es: "el dispositivo {device} registró eventos del UID, pero su alta (génesis) no está en el paquete",
            ),
            C::MissingWeight {
                device,
                seq,
                weight_seq,
            } => bilingual!(language,
                en: "device {device}: the destruction at seq {seq} refers to the weight at seq {weight_seq}, which is not in the bundle",
                es: "dispositivo {device}: la destrucción del evento {seq} se refiere al peso del evento {weight_seq}, que no está en el paquete",
            ),
            C::MissingWitness {
                device,
                seq,
                witness,
                witness_seq,
            } => bilingual!(language,
                en: "device {device}: the destruction at seq {seq} names the witness {witness}, whose sign-in (seq {witness_seq}) is not in the bundle",
                es: "dispositivo {device}: la destrucción del evento {seq} nombra al testigo {witness}, cuyo inicio de sesión (evento {witness_seq}) no está en el paquete",
            ),
            C::MissingScale {
                device,
                seq,
                scale_id,
            } => bilingual!(language,
                en: "device {device}: the weight at seq {seq} was made on scale {scale_id}, whose registration in its facility is not in the bundle",
                es: "dispositivo {device}: el peso del evento {seq} se tomó en la báscula {scale_id}, cuyo registro en su instalación no está en el paquete",
            ),
            C::NotTheListedEntries { reason } => bilingual!(language,
                en: "the entries are not those the ledger's custody statement lists ({reason})",
                es: "las entradas no son las que enumera la declaración de custodia del libro central ({reason})",
            ),
        }
    }
}

impl Message for NoteError {
    fn message(&self, language: Language) -> String {
        match self {
            NoteError::Malformed(what) => bilingual!(language,
                en: "the ledger checkpoint is not a well-formed signed note: {what}",
                es: "el punto de control del libro central no es una nota firmada bien formada: {what}",
            ),
            NoteError::BadCheckpoint(what) => bilingual!(language,
                en: "the ledger checkpoint's text is not a valid checkpoint: {what}",
                es: "el texto del punto de control del libro central no es un punto de control válido: {what}",
            ),
            NoteError::BadVerifierKey => bilingual!(language,
                en: "the ledger key is not a valid note verifier key (name+keyid+base64 key)",
                es: "la clave del libro central no es una clave de verificación de notas válida (nombre+id+clave en base64)",
            ),
            NoteError::NotSignedByKey(key) => bilingual!(language,
                en: "the ledger checkpoint carries no signature by the key {key}",
                es: "el punto de control del libro central no lleva ninguna firma de la clave {key}",
            ),
            NoteError::BadSignature(key) => bilingual!(language,
                en: "the ledger checkpoint's signature by {key} is not valid",
                es: "la firma de {key} en el punto de control del libro central no es válida",
            ),
        }
    }
}

impl Message for InclusionError {
    fn message(&self, language: Language) -> String {
        match self {
            InclusionError::IndexOutOfRange { index, size } => bilingual!(language,
                en: "leaf {index} is not inside a tree of {size} entries",
                es: "la hoja {index} no está dentro de un árbol de {size} entradas",
            ),
            InclusionError::WrongLength { index, size } => bilingual!(language,
                en: "the inclusion proof has the wrong length for leaf {index} of {size}",
                es: "la prueba de inclusión no tiene la longitud que corresponde a la hoja {index} de {size}",
            ),
            InclusionError::RootMismatch => bilingual!(language,
                en: "the inclusion proof does not lead to the checkpoint's root hash",
                es: "la prueba de inclusión no lleva al hash raíz del punto de control",
            ),
        }
    }
}

impl Message for ConsistencyError {
    fn message(&self, language: Language) -> String {
        match self {
            ConsistencyError::Smaller { old, new } => bilingual!(language,
                en: "the newer tree ({new}) is smaller than the older ({old})",
                es: "el árbol más nuevo ({new}) es más pequeño que el anterior ({old})",
            ),
            ConsistencyError::FromEmpty => bilingual!(language,
                en: "a consistency proof from the empty tree proves nothing",
                es: "una prueba de consistencia desde el árbol vacío no prueba nada",
            ),
            ConsistencyError::Mismatch { old, new } => bilingual!(language,
                en: "the consistency proof from {old} to {new} entries does not hold",
                es: "la prueba de consistencia de {old} a {new} entradas no se cumple",
            ),
        }
    }
}
