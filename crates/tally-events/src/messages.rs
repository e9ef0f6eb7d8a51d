//! The message catalogue of this crate: every error and report a person reads, in English
//! (the `Display` text) and Spanish, from one place (design-notes §8).
//!
//! Each Spanish match has one arm per variant and no wildcard, so a new variant cannot be
//! added without its Spanish text; a test renders every variant in both languages.

pub use tally_vocab::{Language, Message};

use crate::chain::{Anomaly, ChainFailure, FailureKind};
use crate::error::{DecodeError, EncodeError, Error, VerifyError};
use crate::export::ExportError;
use crate::keyfile::KeyFileError;

impl Message for DecodeError {
    fn message(&self, language: Language) -> String {
        match language {
            Language::English => self.to_string(),
            Language::Spanish => decode_es(self),
        }
    }
}

fn decode_es(error: &DecodeError) -> String {
    match error {
        DecodeError::Truncated { offset, wanted, available } => format!(
            "los datos están cortados en el byte {offset}: se esperaban {wanted} bytes más, hay {available}"
        ),
        DecodeError::TrailingBytes { offset, count } => {
            format!("{count} bytes de más inesperados en el byte {offset}")
        }
        DecodeError::TooLong { offset, what, len, max } => format!(
            "un campo ({what}) en el byte {offset} mide {len}, más que el límite de {max}"
        ),
        DecodeError::BadUtf8 { offset } => {
            format!("el texto en el byte {offset} no es UTF-8 válido")
        }
        DecodeError::BadBool { offset, value } => {
            format!("un valor sí/no en el byte {offset} vale {value}, no 0 ni 1")
        }
        DecodeError::BadOptionTag { offset, value } => format!(
            "un campo opcional en el byte {offset} tiene la marca {value}, no 0 ni 1"
        ),
        DecodeError::UnknownCode { offset, what, value } => format!(
            "un {what} en el byte {offset} tiene el código {value}, que esta versión de tally no conoce"
        ),
        DecodeError::BadDate { year, month, day } => {
            format!("la fecha {year:04}-{month:02}-{day:02} no existe")
        }
        DecodeError::BadMagic => {
            "esto no es un evento de tally (no empieza con \"TLEV\")".into()
        }
        DecodeError::UnsupportedVersion { version } => format!(
            "el evento está en la versión de formato {version}, que esta versión de tally no puede leer"
        ),
        DecodeError::BadPrev { seq } => format!(
            "el evento {seq} tiene un hash del evento anterior que no corresponde a su posición"
        ),
        DecodeError::GenesisKind { seq } => format!(
            "el evento {seq} rompe la regla del génesis: el primer evento de un dispositivo, y solo ese, es su alta"
        ),
        DecodeError::ZeroSeq => {
            "el evento tiene el número de secuencia 0; la numeración empieza en 1".into()
        }
        DecodeError::FieldOverLimit { field, len, max } => format!(
            "el campo {field} mide {len}, más que su límite de {max}"
        ),
        DecodeError::BadTrailer => "el final (trailer) de la exportación no es un trailer de exportación de tally (no empieza con \"TLXT\", o tiene una versión o variante desconocida)".into(),
        DecodeError::BadExportMagic => {
            "esto no es una exportación de registro de tally (no empieza con \"TALLYLOG\")".into()
        }
        DecodeError::UnsupportedExport { version, flags } => format!(
            "la exportación está en la versión de formato {version} (indicadores {flags}), que esta versión de tally no puede leer"
        ),
    }
}

impl Message for EncodeError {
    fn message(&self, language: Language) -> String {
        match self {
            EncodeError::TooLong { what, len, max } => tally_vocab::bilingual!(language,
                en: "a {what} is {len} long, more than the limit of {max}",
                es: "un campo ({what}) mide {len}, más que el límite de {max}",
            ),
            EncodeError::FieldOverLimit { field, len, max } => tally_vocab::bilingual!(language,
                en: "the field {field} is {len} long, more than its limit of {max}",
                es: "el campo {field} mide {len}, más que su límite de {max}",
            ),
            EncodeError::KnownKindAsUnknown { kind } => tally_vocab::bilingual!(language,
                en: "payload kind {kind} is a known kind; build it with its own type, not as unknown bytes",
                es: "el tipo de contenido {kind} es conocido; constrúyalo con su propio tipo, no como bytes desconocidos",
            ),
            EncodeError::NotRecordable { what, value } => tally_vocab::bilingual!(language,
                en: "a {what} of {value} cannot be recorded in an event",
                es: "un {what} de {value} no se puede registrar en un evento",
            ),
            EncodeError::SeqExhausted => tally_vocab::bilingual!(language,
                en: "this device's event numbering is exhausted",
                es: "la numeración de eventos de este dispositivo está agotada",
            ),
            EncodeError::GenesisRule => tally_vocab::bilingual!(language,
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
        match language {
            Language::English => self.to_string(),
            Language::Spanish => match self {
                VerifyError::Malformed(error) => {
                    format!("evento dañado: {}", decode_es(error))
                }
                VerifyError::BadKey => {
                    "la clave del dispositivo no es una clave pública válida (débil o mal formada)"
                        .into()
                }
                VerifyError::AlteredPayload => {
                    "el contenido fue alterado: no coincide con el hash que firmó el dispositivo"
                        .into()
                }
                VerifyError::BadSignature => "la firma de este evento no es válida".into(),
            },
        }
    }
}

impl Message for KeyFileError {
    fn message(&self, language: Language) -> String {
        match language {
            Language::English => self.to_string(),
            Language::Spanish => match self {
                KeyFileError::Damaged => {
                    "el archivo de clave del dispositivo está dañado o no es un archivo de clave de tally".into()
                }
                KeyFileError::UnsupportedVersion(version) => format!(
                    "el archivo de clave del dispositivo está en la versión {version}, que esta versión de tally no puede leer"
                ),
                KeyFileError::RestoreDetected { db_head, recorded } => format!(
                    "restaurada desde una copia de seguridad: vuelva a dar de alta el dispositivo (la base de datos termina en el evento {db_head}, pero el archivo de clave de este dispositivo registró el evento {recorded})"
                ),
                KeyFileError::DatabaseReplaced => "restaurada desde una copia de seguridad: vuelva a dar de alta el dispositivo (el archivo de la base de datos no es aquel para el que se escribió el archivo de clave de este dispositivo; fue reemplazado por una copia)".into(),
                KeyFileError::NotVouched { seq } => format!(
                    "restaurada desde una copia de seguridad: vuelva a dar de alta el dispositivo (el evento {seq} de la base de datos no es el que registró el archivo de clave de este dispositivo)"
                ),
                KeyFileError::KeyFileRolledBack { db_head, reserved_through } => format!(
                    "el archivo de clave del dispositivo es más antiguo que la base de datos (reservó eventos hasta el {reserved_through}, la base de datos tiene {db_head}); vuelva a dar de alta el dispositivo"
                ),
                KeyFileError::NotReserved { seq, reserved_through } => format!(
                    "el evento {seq} está fuera de los eventos reservados en el archivo de clave (hasta el {reserved_through}); reserve un nuevo bloque primero"
                ),
                KeyFileError::Exhausted => {
                    "la numeración de eventos de este dispositivo se agotó; vuelva a dar de alta el dispositivo".into()
                }
            },
        }
    }
}

impl Message for crate::domain::DomainError {
    fn message(&self, language: Language) -> String {
        use crate::domain::DomainError;
        match language {
            Language::English => self.to_string(),
            Language::Spanish => match self {
                DomainError::BadLabel(label) => format!(
                    "la etiqueta de dominio de firma {label:?} no tiene de 1 a 64 caracteres de a-z, 0-9, '.', '-' o '_'"
                ),
                DomainError::EventDomain(label) => format!(
                    "la etiqueta de dominio de firma {label:?} está reservada para los eventos"
                ),
                DomainError::BadSignature => {
                    "la firma no corresponde a este dispositivo, dominio y mensaje".into()
                }
                DomainError::BadKey => {
                    "el identificador del dispositivo no es una clave pública válida".into()
                }
            },
        }
    }
}

impl Message for ExportError {
    fn message(&self, language: Language) -> String {
        match language {
            Language::English => self.to_string(),
            Language::Spanish => match self {
                ExportError::Io(error) => {
                    format!("no se pudo leer ni escribir el registro: {error}")
                }
                ExportError::Header(error) => decode_es(error),
                ExportError::BadLength { position, len, max } => format!(
                    "el registro {position} dice medir {len} bytes, lo que no está permitido (de 1 a {max})"
                ),
                ExportError::Truncated { position } => format!(
                    "el registro termina en medio del registro {position}: el archivo está cortado"
                ),
                ExportError::MissingTrailer { records } => format!(
                    "el registro termina después del registro {records} sin su cierre (trailer): la exportación está cortada (truncada)"
                ),
                ExportError::Trailer(error) => format!(
                    "el cierre (trailer) de la exportación está dañado: {}",
                    decode_es(error)
                ),
                ExportError::TrailerRule { version, what } => format!(
                    "una exportación de versión {version}: {what}"
                ),
            },
        }
    }
}

impl Message for Anomaly {
    fn message(&self, language: Language) -> String {
        match language {
            Language::English => self.to_string(),
            Language::Spanish => match self {
                Anomaly::WallClockSteppedBack { seq, by_ms } => format!(
                    "evento {seq}: el reloj del dispositivo retrocedió {by_ms} ms (el orden lo da el número de secuencia, la cadena está intacta)"
                ),
                Anomaly::Reboot { seq } => {
                    format!("evento {seq}: primer evento después de un reinicio")
                }
            },
        }
    }
}

impl Message for ChainFailure {
    fn message(&self, language: Language) -> String {
        match language {
            Language::English => self.to_string(),
            Language::Spanish => chain_es(self),
        }
    }
}

fn chain_es(failure: &ChainFailure) -> String {
    let seq = failure.seq;
    let n = failure.position + 1;
    match &failure.kind {
        FailureKind::Empty => "el registro no contiene eventos".into(),
        FailureKind::Malformed(error) => format!(
            "el registro {n} (donde debería estar el evento {seq}) está dañado: {}",
            decode_es(error)
        ),
        FailureKind::BadKey => {
            format!("evento {seq}: la clave del dispositivo no es una clave pública válida")
        }
        FailureKind::BadSignature => format!(
            "evento {seq}: firma inválida (el encabezado firmado fue alterado o no lo firmó este dispositivo)"
        ),
        FailureKind::AlteredPayload => format!(
            "evento {seq}: contenido alterado (no coincide con lo que firmó el dispositivo)"
        ),
        FailureKind::WrongAuthor { expected, found } => format!(
            "evento {seq}: firmado por el dispositivo {found}, pero esta cadena pertenece al dispositivo {expected}"
        ),
        FailureKind::Missing {
            next_present: Some(next),
        } if *next > seq + 1 => format!("faltan los eventos {seq} a {}", next - 1),
        FailureKind::Missing { .. } => format!("falta el evento {seq}"),
        FailureKind::Reordered { found } => format!(
            "el evento {found} aparece antes que el evento {seq}: los eventos están desordenados"
        ),
        FailureKind::Duplicated => format!("el evento {seq} aparece dos veces"),
        FailureKind::Fork { first, second } => format!(
            "bifurcación en el evento {seq}: el dispositivo firmó dos eventos distintos con este número (registros {} y {}); ambos se conservan como prueba",
            first.record_hash(),
            second.record_hash()
        ),
        FailureKind::BrokenLink => format!(
            "el evento {seq} no sigue al evento {}: su enlace con el evento anterior no coincide",
            seq.saturating_sub(1)
        ),
        FailureKind::BeforeStart { first_seq } => format!(
            "el evento {seq} es anterior o igual al último evento ya verificado que este registro continúa (debe empezar en el evento {first_seq})"
        ),
        FailureKind::TimeWentBackwards { by_us } => format!(
            "evento {seq}: el tiempo desde el arranque retrocedió {by_us} µs dentro de un mismo arranque"
        ),
    }
}

impl Message for crate::trailer::TrailerError {
    fn message(&self, language: Language) -> String {
        use crate::trailer::TrailerError as T;
        match language {
            Language::English => self.to_string(),
            Language::Spanish => match self {
                T::Malformed(error) => format!(
                    "el cierre (trailer) de la exportación está dañado: {}",
                    decode_es(error)
                ),
                T::WrongDevice { expected, found } => format!(
                    "el cierre de la exportación está firmado por el dispositivo {found}, no por el dispositivo de sus eventos ({expected})"
                ),
                T::BadSignature => "la firma del cierre de la exportación no es válida".into(),
                T::Mismatch { claimed, claimed_seq, found, found_seq } => format!(
                    "el cierre dice que la exportación tiene {claimed} registros que terminan en el evento {claimed_seq}, pero tiene {found} que terminan en el evento {found_seq}"
                ),
                T::WrongHead { claimed, found } => format!(
                    "el cierre nombra otro último registro ({claimed}) que el de la exportación ({found})"
                ),
                T::Checkpoint(error) => format!(
                    "el punto de control del ledger no es válido o no está firmado por esa clave: {error}"
                ),
                T::Inclusion(error) => format!(
                    "la prueba de inclusión del último registro en el ledger falla: {error}"
                ),
            },
        }
    }
}

impl Message for crate::custody::CustodyError {
    fn message(&self, language: Language) -> String {
        use crate::custody::CustodyError as C;
        match language {
            Language::English => self.to_string(),
            Language::Spanish => match self {
                C::NotABundle => {
                    "esto no es un paquete de custodia (no empieza con TALLYCUS)".into()
                }
                C::UnsupportedVersion(version) => format!(
                    "la versión {version} del paquete de custodia no es compatible (esta versión lee la 1)"
                ),
                C::NonZeroReserved => {
                    "los indicadores o bytes reservados del paquete no son cero".into()
                }
                C::Truncated(what) => format!("el paquete está cortado: termina dentro de {what}"),
                C::BadLength(what) => format!(
                    "el paquete está mal formado: {what} tiene una longitud fuera de sus límites"
                ),
                C::NotUtf8(what) => {
                    format!("el paquete está mal formado: {what} no es texto UTF-8")
                }
                C::UnknownRole(role) => format!(
                    "el paquete está mal formado: una entrada tiene el papel desconocido {role}"
                ),
                C::TrailingBytes(n) => {
                    format!("el paquete tiene {n} bytes de más después de su última entrada")
                }
                C::CheckpointSignature(error) => format!(
                    "el punto de control del paquete no está firmado por esta clave del libro central: {error}"
                ),
                C::BadCheckpoint(reason) => format!(
                    "el punto de control del paquete no es un punto de control válido del registro de este libro central: {reason}"
                ),
                C::StatementSignature(error) => format!(
                    "la declaración de custodia del paquete no está firmada por esta clave del libro central: {error}"
                ),
                C::BadStatement(reason) => {
                    format!("la declaración de custodia está mal formada: {reason}")
                }
                C::StatementForAnotherCheckpoint { statement, checkpoint } => format!(
                    "la declaración de custodia se firmó para otro punto de control (árbol de {statement} entradas) que el del paquete (árbol de {checkpoint})"
                ),
                C::OutOfOrder { position, index } => format!(
                    "la entrada {position} (índice {index} del registro) está fuera de orden: las entradas van en orden estrictamente creciente de índice"
                ),
                C::BadRecord { position, index, reason } => format!(
                    "la entrada {position} (índice {index}) no es un registro válido: {reason}"
                ),
                C::BadSignature { position, index, reason } => format!(
                    "la entrada {position} (índice {index}) no lleva una firma válida de su dispositivo: {reason}"
                ),
                C::NotInLog { position, index, reason } => format!(
                    "no se prueba que la entrada {position} (índice {index}) esté en el registro del punto de control: {reason}"
                ),
                C::ForeignEvent { position, index, uid } => format!(
                    "la entrada {position} (índice {index}) figura como evento de {uid}, pero su contenido no nombra ese UID"
                ),
                C::BadContext { position, index, role, reason } => format!(
                    "la entrada {position} (índice {index}) no es una entrada de tipo {role} de este paquete: {reason}"
                ),
                C::BrokenChain { device, seq, reason } => format!(
                    "dispositivo {device}: el evento {seq} no sigue a su registro anterior del paquete ({reason})"
                ),
                C::MissingGenesis(device) => format!(
                    "el dispositivo {device} registró eventos del UID, pero su alta (génesis) no está en el paquete"
                ),
                C::MissingWeight { device, seq, weight_seq } => format!(
                    "dispositivo {device}: la destrucción del evento {seq} se refiere al peso del evento {weight_seq}, que no está en el paquete"
                ),
                C::MissingWitness { device, seq, witness, witness_seq } => format!(
                    "dispositivo {device}: la destrucción del evento {seq} nombra al testigo {witness}, cuyo inicio de sesión (evento {witness_seq}) no está en el paquete"
                ),
                C::MissingScale { device, seq, scale_id } => format!(
                    "dispositivo {device}: el peso del evento {seq} se tomó en la báscula {scale_id}, cuyo registro en su instalación no está en el paquete"
                ),
                C::NotTheListedEntries { reason } => format!(
                    "las entradas no son las que enumera la declaración de custodia del libro central ({reason})"
                ),
            },
        }
    }
}
