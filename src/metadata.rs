//! Metadata fields: reserved fields, an optional ontology, and the value
//! rules of each kind, as the SDK's `DataRowMetadataOntology` converts
//! `metadata_fields` before upload and as the platform then stores them.

use std::borrow::Cow;
use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashMap, HashTable};


use crate::datetime;
use crate::json::{Kind as JsonKind, Raw};
use crate::media::{MediaType, Resolved};
use crate::report::{Code, Edit, Findings, Item, quote};
use crate::row::objects;

/// The older metadata pages and the SDK's repository: longer strings are
/// refused.
pub const MAX_STRING_CHARS: usize = 4096;
/// The newer metadata page says 1,024: longer strings get a warning.
pub const NEWER_STRING_CHARS: usize = 1024;
pub const EMBEDDING_DIMS: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Datetime,
    Enum,
    Embedding,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        // Both our names and the SDK's CustomMetadata* names are accepted.
        match s.to_ascii_lowercase().trim_start_matches("custommetadata") {
            "string" => Some(Kind::String),
            "number" => Some(Kind::Number),
            "datetime" => Some(Kind::Datetime),
            "enum" => Some(Kind::Enum),
            "embedding" => Some(Kind::Embedding),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub schema_id: Option<String>,
    pub name: String,
    pub kind: Kind,
    /// Enum options as (schema id, name).
    pub options: Vec<(String, String)>,
    video_only: bool,
    /// Filled in by the platform (the precomputed embeddings).
    computed: bool,
}

/// What a schema id names: a field, or one option of an enum field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Field(usize),
    Option(usize, usize),
}

/// The metadata schema rows are checked against: the reserved fields,
/// plus the organization's own when an ontology file is given.
#[derive(Debug, Clone)]
pub struct Ontology {
    fields: Vec<FieldDef>,
    by_id: HashMap<String, Target>,
    by_name: HashMap<String, usize>,
    /// With the organization's ontology, unknown fields are errors.
    complete: bool,
}

impl Default for Ontology {
    fn default() -> Self {
        Ontology::reserved()
    }
}

fn def(id: Option<&str>, name: &str, kind: Kind, options: &[(&str, &str)]) -> FieldDef {
    FieldDef {
        schema_id: id.map(str::to_string),
        name: name.to_string(),
        kind,
        options: options.iter().map(|(i, n)| (i.to_string(), n.to_string())).collect(),
        video_only: false,
        computed: false,
    }
}

/// One field of an organization's metadata schema, as `--ontology` lists
/// it: `{schema_id, name, kind, options?}`, its id also spelled `id`,
/// `schemaId` or `uid` (the SDK's and the API's spellings); other keys are
/// ignored.
struct OntologyEntry {
    schema_id: Option<String>,
    id: Option<String>,
    name: String,
    kind: String,
    /// Each option's id (also `schemaId`, `uid` or `id`) and name.
    options: Vec<(String, String)>,
}

impl OntologyEntry {
    fn read(entry: &Raw<'_>) -> Result<OntologyEntry, String> {
        let at = entry.offset;
        let (mut schema_id, mut id, mut name, mut kind, mut options) = (None, None, None, None, Vec::new());
        for (key, value) in object(entry, "an entry")? {
            match &*key.value() {
                "schema_id" => schema_id = text_or_null(&value, "schema_id")?,
                "id" | "schemaId" | "uid" => id = text_or_null(&value, "id")?,
                "name" => name = text_or_null(&value, "name")?,
                "kind" => kind = text_or_null(&value, "kind")?,
                "options" if !value.is_null() => {
                    let list = value.elements().ok().filter(|_| value.kind == JsonKind::Array);
                    for option in list.ok_or_else(|| format!("options at byte {} is {}, not an array", value.offset, value.kind.name()))? {
                        let (mut option_id, mut option_name) = (None, None);
                        for (key, value) in object(&option, "an option")? {
                            match &*key.value() {
                                "schema_id" | "schemaId" | "uid" | "id" => option_id = text_or_null(&value, "an option's schema_id")?,
                                "name" => option_name = text_or_null(&value, "an option's name")?,
                                _ => {}
                            }
                        }
                        let missing = |what| format!("the option at byte {} has no {what}", option.offset);
                        options.push((option_id.ok_or_else(|| missing("schema_id"))?, option_name.ok_or_else(|| missing("name"))?));
                    }
                }
                _ => {}
            }
        }
        let missing = |what| format!("the entry at byte {at} has no {what}");
        Ok(OntologyEntry { schema_id, id, name: name.ok_or_else(|| missing("name"))?, kind: kind.ok_or_else(|| missing("kind"))?, options })
    }
}

fn object<'a>(value: &Raw<'a>, what: &str) -> Result<Vec<(crate::json::Str<'a>, Raw<'a>)>, String> {
    match value.kind {
        JsonKind::Object => value.members().map_err(|e| e.to_string()),
        other => Err(format!("{what} at byte {} is {}, not an object", value.offset, other.name())),
    }
}

fn text_or_null(value: &Raw<'_>, what: &str) -> Result<Option<String>, String> {
    match value.as_str() {
        Some(s) => Ok(Some(s.value().into_owned())),
        None if value.is_null() => Ok(None),
        None => Err(format!("{what} at byte {} is {}, not a string", value.offset, value.kind.name())),
    }
}

impl Ontology {
    /// Fields every organization has. The ids are the same everywhere (the
    /// SDK's integration tests use them as constants).
    pub fn reserved() -> Ontology {
        let fields = vec![
            def(Some("cko8s9r5v0001h2dk9elqdidh"), "tag", Kind::String, &[]),
            def(
                Some("cko8sbczn0002h2dkdaxb5kal"),
                "split",
                Kind::Enum,
                &[
                    ("cko8sbscr0003h2dk04w86hof", "train"),
                    ("cko8sc2yr0004h2dk69aj5x63", "valid"),
                    ("cko8scbz70005h2dkastwhgqt", "test"),
                ],
            ),
            def(Some("cko8sdzv70006h2dk8jg64zvb"), "captureDateTime", Kind::Datetime, &[]),
            def(Some("ckpyije740000yxdk81pbgjdc"), "embedding", Kind::Embedding, &[]),
            FieldDef { video_only: true, ..def(None, "skipNFrames", Kind::Number, &[]) },
            FieldDef { computed: true, ..def(None, "precomputedImageEmbedding", Kind::Embedding, &[]) },
            FieldDef { computed: true, ..def(None, "precomputedTextEmbedding", Kind::Embedding, &[]) },
        ];
        Ontology::from_fields(fields, false)
    }

    fn from_fields(fields: Vec<FieldDef>, complete: bool) -> Ontology {
        let mut by_id = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, f) in fields.iter().enumerate() {
            if let Some(id) = &f.schema_id {
                by_id.insert(id.clone(), Target::Field(i));
            }
            for (j, (id, _)) in f.options.iter().enumerate() {
                by_id.insert(id.clone(), Target::Option(i, j));
            }
            // Reserved fields come first and win, as the SDK looks names up.
            by_name.entry(f.name.clone()).or_insert(i);
        }
        Ontology { fields, by_id, by_name, complete }
    }

    /// The organization's metadata schema: a JSON array of
    /// `{schema_id, name, kind, options?}`. Reserved fields are always known.
    pub fn from_json(bytes: &[u8]) -> Result<Ontology, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| Ontology::not_a_list(format!("it is not UTF-8 ({e})")))?;
        let list = crate::json::whole(text).map_err(Ontology::not_a_list)?;
        if list.kind != JsonKind::Array {
            return Err(Ontology::not_a_list(format!("it is {}", list.kind.name())));
        }
        let entries = list.elements().map_err(Ontology::not_a_list)?;
        Ontology::from_entries(entries.iter().map(OntologyEntry::read).collect::<Result<_, _>>().map_err(Ontology::not_a_list)?)
    }

    /// Why what was read is no ontology.
    pub fn not_a_list(error: impl std::fmt::Display) -> String {
        format!("the ontology is not a JSON array of {{schema_id, name, kind, options?}}: {error}")
    }

    fn from_entries(entries: Vec<OntologyEntry>) -> Result<Ontology, String> {
        let mut fields = Ontology::reserved().fields;
        for e in entries {
            let kind = Kind::parse(&e.kind).ok_or_else(|| {
                format!("ontology field \"{}\" has kind \"{}\"; use string, number, datetime, enum or embedding", e.name, e.kind)
            })?;
            fields.push(FieldDef { schema_id: e.schema_id.or(e.id), options: e.options, ..def(None, &e.name, kind, &[]) });
        }
        Ok(Ontology::from_fields(fields, true))
    }

    fn by_id(&self, id: &str) -> Option<Target> {
        self.by_id.get(id).copied()
    }

    fn by_name(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
}

pub fn is_cuid(s: &str) -> bool {
    s.len() == 25 && s.starts_with('c') && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

pub const ENTRY_KEYS: [(&str, Option<&str>); 3] = [("schema_id", None), ("name", None), ("value", None)];

/// A set of byte strings that keeps its memory from one row to the next,
/// so a row's repeats are found in linear time and, once warm, without
/// allocating: each key is stored once in an arena, the hash table holds
/// its place there.
#[derive(Default)]
pub struct Seen {
    table: HashTable<(u32, u32)>,
    arena: Vec<u8>,
    /// The key being built.
    key: Vec<u8>,
    hasher: DefaultHashBuilder,
}

impl Seen {
    pub fn clear(&mut self) {
        self.table.clear();
        self.arena.clear();
    }

    /// Start building a key from parts.
    pub fn key(&mut self) -> &mut Vec<u8> {
        self.key.clear();
        &mut self.key
    }

    /// Record the key built last; `false` when it was already there.
    pub fn insert(&mut self) -> bool {
        let hash = self.hasher.hash_one(&self.key[..]);
        let (arena, key) = (&self.arena, &self.key);
        let stored = |&(start, end): &(u32, u32)| &arena[start as usize..end as usize];
        if self.table.find(hash, |entry| stored(entry) == &key[..]).is_some() {
            return false;
        }
        // Past 4 GiB of keys a row is far over the chunk limit anyway.
        let (Ok(start), Ok(end)) = (u32::try_from(self.arena.len()), u32::try_from(self.arena.len() + self.key.len())) else {
            return true;
        };
        self.arena.extend_from_slice(&self.key);
        let (arena, hasher) = (&self.arena, &self.hasher);
        self.table.insert_unique(hash, (start, end), |&(s, e)| hasher.hash_one(&arena[s as usize..e as usize]));
        true
    }
}

/// How an entry names its field.
struct Named<'o, 'a> {
    field: Option<(usize, &'o FieldDef)>,
    /// Named by schema id (then an enum takes an option id as value).
    by_id: bool,
    /// The identity a field of unknown kind goes by.
    identity: Option<Cow<'a, str>>,
}

/// Check `metadata_fields` (already known to be an array), spelled
/// `pointer` in the row.
pub fn check(
    raw: Raw<'_>,
    pointer: &'static str,
    ontology: &Ontology,
    media: Resolved,
    seen: &mut Seen,
    findings: &mut Findings,
) -> crate::json::Result<()> {
    seen.clear();
    let not_object = (Code::ROW_FIELD_TYPE, "a metadata entry must be an object {schema_id or name, value}");
    objects(raw, pointer, ENTRY_KEYS, not_object, findings, |at, entry, [id, name, value], findings| {
        if id.is_none() && name.is_none() {
            findings.error(
                Code::METADATA_SCHEMA_ID,
                at.to_string(),
                entry.offset,
                "metadata entry names no field; give \"schema_id\" or \"name\"".into(),
            );
        }
        let Some(named) = identify(ontology, at, id, name, findings) else {
            return Ok(());
        };
        let Some(value) = value else {
            findings.error(Code::METADATA_VALUE, at.to_string(), entry.offset, "metadata entry has no value; add \"value\"".into());
            return Ok(());
        };
        let option = check_value(value, &named, media, at, findings)?;
        // What may not repeat: a field other than an enum, one option of an
        // enum, or (kind unknown) the same value of the same field.
        let key = seen.key();
        match (named.field, option) {
            (Some((i, f)), Some(j)) if f.kind == Kind::Enum => {
                key.push(b'o');
                key.extend_from_slice(&(i as u64).to_le_bytes());
                key.extend_from_slice(&(j as u64).to_le_bytes());
            }
            (Some((_, f)), None) if f.kind == Kind::Enum => return Ok(()),
            (Some((i, _)), _) => {
                key.push(b'f');
                key.extend_from_slice(&(i as u64).to_le_bytes());
            }
            (None, _) => {
                let Some(identity) = &named.identity else { return Ok(()) };
                key.push(b'u');
                key.extend_from_slice(&(identity.len() as u64).to_le_bytes());
                key.extend_from_slice(identity.as_bytes());
                match value.as_str() {
                    Some(s) => key.extend_from_slice(s.value().as_bytes()),
                    None => key.extend_from_slice(value.text.as_bytes()),
                }
            }
        }
        if !seen.insert() {
            let message = match (named.field, option) {
                (Some((_, f)), Some(j)) if f.kind == Kind::Enum => {
                    format!("option \"{}\" of \"{}\" is given twice in this row; keep one", f.options[j].1, f.name)
                }
                (Some((_, f)), _) => format!(
                    "metadata field \"{}\" is given twice in this row, and only an enum may carry several values (one option each); keep one",
                    f.name
                ),
                (None, _) => format!(
                    "metadata field {} is given twice with the same value in this row; keep one",
                    quote(named.identity.as_deref().unwrap_or_default())
                ),
            };
            findings.error(Code::METADATA_DUPLICATE, at.to_string(), entry.offset, message);
        }
        Ok(())
    })?;
    Ok(())
}

/// The field an entry names. `None` when the entry cannot be checked
/// further (its id is an enum option's, already reported).
fn identify<'o, 'a>(
    ontology: &'o Ontology,
    at: Item<'_>,
    id: Option<Raw<'a>>,
    name: Option<Raw<'a>>,
    findings: &mut Findings,
) -> Option<Named<'o, 'a>> {
    let field = |i: usize| (i, &ontology.fields[i]);
    let mut named = Named { field: None, by_id: false, identity: None };
    if let Some(id) = id {
        match id.as_str() {
            Some(s) if is_cuid(&s.value()) => {
                let s = s.value();
                match ontology.by_id(&s) {
                    Some(Target::Field(i)) => named.field = Some(field(i)),
                    Some(Target::Option(i, j)) => {
                        let f = &ontology.fields[i];
                        findings.error(
                            Code::METADATA_SCHEMA_ID,
                            format!("{at}/schema_id"),
                            id.offset,
                            format!(
                                "schema_id {} is the id of option \"{}\" of \"{}\", not of a field (the SDK refuses an option id as the schema id); give \"{}\" as schema_id and the option id as value",
                                quote(&s),
                                f.options[j].1,
                                f.name,
                                f.schema_id.as_deref().unwrap_or(&f.name)
                            ),
                        );
                        return None;
                    }
                    None if ontology.complete => findings.error(
                        Code::METADATA_UNKNOWN_FIELD,
                        format!("{at}/schema_id"),
                        id.offset,
                        format!("schema_id {} is not in the ontology", quote(&s)),
                    ),
                    None => {}
                }
                named.by_id = true;
                named.identity = Some(s);
            }
            Some(s) => findings.error(
                Code::METADATA_SCHEMA_ID,
                format!("{at}/schema_id"),
                id.offset,
                format!("schema_id {} is not a 25-character cuid (c followed by 24 lower-case letters or digits)", quote(&s.value())),
            ),
            None => findings.error(
                Code::ROW_FIELD_TYPE,
                format!("{at}/schema_id"),
                id.offset,
                format!("schema_id must be a string, not {}", id.kind.name()),
            ),
        }
    }
    if let Some(name) = name {
        let Some(s) = name.as_str() else {
            findings.error(Code::ROW_FIELD_TYPE, format!("{at}/name"), name.offset, format!("name must be a string, not {}", name.kind.name()));
            return Some(named);
        };
        let s = s.value();
        let by_name = ontology.by_name(&s).map(field);
        match (named.by_id, named.field, by_name) {
            // The SDK converts by the id alone; the name is dropped.
            (true, by_id, Some((i, f))) if by_id.map(|(j, _)| j) != Some(i) => findings.warning(
                Code::METADATA_SCHEMA_ID,
                format!("{at}/name"),
                name.offset,
                format!(
                    "schema_id {} is not the id of \"{}\", which name says; the SDK goes by the schema_id and drops the name, so keep one",
                    quote(named.identity.as_deref().unwrap_or_default()),
                    f.name
                ),
            ),
            (false, _, None) if ontology.complete => findings.error(
                Code::METADATA_UNKNOWN_FIELD,
                format!("{at}/name"),
                name.offset,
                format!("metadata field {} is not in the ontology", quote(&s)),
            ),
            _ => {}
        }
        if !named.by_id {
            named.field = by_name;
            named.identity = Some(s);
        }
    }
    Some(named)
}

/// Check an entry's value; for an enum, the option it names.
fn check_value(value: Raw<'_>, named: &Named<'_, '_>, media: Resolved, at: Item<'_>, findings: &mut Findings) -> crate::json::Result<Option<usize>> {
    let pointer = || format!("{at}/value");
    let mut bad = |message: String| findings.error(Code::METADATA_VALUE, pointer(), value.offset, message);
    let Some((_, field)) = named.field else {
        unknown_kind(value, at, findings)?;
        return Ok(None);
    };
    let name = &field.name;
    match field.kind {
        Kind::String => match value.as_str() {
            Some(s) => string_length(&s.value(), name, value.offset, at, findings),
            None => bad(format!("\"{name}\" takes a string, not {}", value.kind.name())),
        },
        Kind::Number => {
            if number(value, name, at, findings) && field.video_only {
                match media.media {
                    Some(m) if m != MediaType::Video => {
                        let how = if media.inferred { "was inferred as" } else { "is" };
                        findings.error(
                            Code::METADATA_VALUE,
                            pointer(),
                            value.offset,
                            format!("\"{name}\" applies to VIDEO rows only, and this row's media type {how} {}", m.name()),
                        );
                    }
                    _ => {}
                }
            }
        }
        Kind::Datetime => match value.as_str() {
            Some(s) => {
                let text = s.value();
                match datetime::parse(&text) {
                    Ok(parsed) => findings.rewrite |= !parsed.was_canonical(),
                    Err(why) => bad(format!("\"{name}\" value {} is not a date-time the SDK can read: {why}", quote(&text))),
                }
            }
            None => bad(format!("\"{name}\" takes an ISO 8601 date-time string, not {}", value.kind.name())),
        },
        Kind::Enum => {
            let Some(s) = value.as_str() else {
                bad(format!("\"{name}\" takes an option name or id, not {}", value.kind.name()));
                return Ok(None);
            };
            let s = s.value();
            if let Some(j) = field.options.iter().position(|(id, _)| *id == s) {
                return Ok(Some(j));
            }
            let by_name = field.options.iter().position(|(_, option)| *option == s);
            match by_name {
                Some(j) if !named.by_id => return Ok(Some(j)),
                Some(j) => {
                    bad(format!(
                        "{} is an option name, and the SDK takes only an option id for an enum named by schema_id; use {} (or name the field by \"name\")",
                        quote(&s),
                        field.options[j].0
                    ));
                    findings.fix(Edit::string(value.offset, &field.options[j].0));
                    // Two options of one name: which one was meant is a guess.
                    if field.options.iter().filter(|(_, option)| *option == s).count() > 1 {
                        findings.unsure();
                    }
                }
                None => {
                    let names: Vec<&str> = field.options.iter().map(|(_, n)| n.as_str()).collect();
                    bad(format!("{} is not an option of \"{name}\"; use one of {}", quote(&s), names.join(", ")));
                }
            }
        }
        Kind::Embedding if field.computed => findings.warning(
            Code::METADATA_VALUE,
            pointer(),
            value.offset,
            format!("\"{name}\" is computed by the platform for the data it imports; leave it out"),
        ),
        Kind::Embedding => {
            let elements = if value.kind == JsonKind::Array { Some(value.elements()?) } else { None };
            match elements {
                Some(e) if e.len() == EMBEDDING_DIMS && e.iter().all(|n| n.kind == JsonKind::Number) => {}
                Some(e) if e.len() == EMBEDDING_DIMS => bad(format!("\"{name}\" takes {EMBEDDING_DIMS} numbers; this holds something else")),
                Some(e) => bad(format!("\"{name}\" takes {EMBEDDING_DIMS} numbers; this has {}", crate::report::plural(e.len() as u64, "element", "elements"))),
                None => bad(format!("\"{name}\" takes an array of {EMBEDDING_DIMS} numbers, not {}", value.kind.name())),
            }
        }
    }
    Ok(None)
}

/// String metadata: an error past the older limit, a warning past the
/// newer page's.
fn string_length(s: &str, name: &str, offset: u32, at: Item<'_>, findings: &mut Findings) {
    if s.len() <= NEWER_STRING_CHARS {
        return;
    }
    let chars = s.chars().count();
    if chars > MAX_STRING_CHARS {
        findings.error(
            Code::METADATA_VALUE,
            format!("{at}/value"),
            offset,
            format!("\"{name}\" is {chars} characters long; the limit is {MAX_STRING_CHARS}"),
        );
    } else if chars > NEWER_STRING_CHARS {
        findings.warning(
            Code::METADATA_VALUE,
            format!("{at}/value"),
            offset,
            format!("\"{name}\" is {chars} characters long; the newer metadata page allows {NEWER_STRING_CHARS} (older pages {MAX_STRING_CHARS})"),
        );
    }
}

/// A number field's value: `true` when it is (or reads as) a finite number.
fn number(value: Raw<'_>, name: &str, at: Item<'_>, findings: &mut Findings) -> bool {
    let pointer = || format!("{at}/value");
    let coerced = |findings: &mut Findings, what: String| {
        findings.warning(Code::METADATA_NUMBER_COERCED, pointer(), value.offset, what);
        if let Some(number) = coerced_number(value) {
            findings.fix(Edit::Replace { at: value.offset, json: number });
        }
        findings.rewrite = true;
        true
    };
    match value.kind {
        // The reader refuses numbers a 64-bit float cannot hold.
        JsonKind::Number => true,
        JsonKind::Bool => coerced(findings, format!("\"{name}\" takes a number; the SDK reads {} as {}, and normalization writes that", value.text, if value.text == "true" { 1 } else { 0 })),
        JsonKind::String => {
            let text = value.as_str().expect("a string").value();
            match py_float(&text) {
                Some(n) if n.is_finite() => coerced(findings, format!("\"{name}\" takes a number, not the string {}; the SDK reads it as {n}, and normalization writes that", quote(&text))),
                Some(_) => {
                    findings.error(
                        Code::METADATA_VALUE,
                        pointer(),
                        value.offset,
                        format!("\"{name}\" value {} reads as an infinity or NaN, which a 64-bit float field cannot store; give a finite number", quote(&text)),
                    );
                    false
                }
                None => {
                    findings.error(Code::METADATA_VALUE, pointer(), value.offset, format!("\"{name}\" takes a number, not the string {}", quote(&text)));
                    false
                }
            }
        }
        _ => {
            findings.error(Code::METADATA_VALUE, pointer(), value.offset, format!("\"{name}\" takes a number, not {}", value.kind.name()));
            false
        }
    }
}

/// A field whose kind no ontology tells: what no kind takes.
fn unknown_kind(value: Raw<'_>, at: Item<'_>, findings: &mut Findings) -> crate::json::Result<()> {
    let pointer = || format!("{at}/value");
    match value.kind {
        JsonKind::String => string_length(&value.as_str().expect("a string").value(), "the value", value.offset, at, findings),
        JsonKind::Number => {}
        JsonKind::Array if value.elements()?.iter().all(|e| e.kind == JsonKind::Number) => {}
        // float(True) is 1.0: only a number field takes it.
        JsonKind::Bool => findings.warning(
            Code::METADATA_NUMBER_COERCED,
            pointer(),
            value.offset,
            format!("metadata value {} fits only a number field, which the SDK gives {}; every other kind refuses it", value.text, if value.text == "true" { 1 } else { 0 }),
        ),
        _ => findings.error(
            Code::METADATA_VALUE,
            pointer(),
            value.offset,
            format!("metadata value is {}; use a string, a finite number or an array of finite numbers", value.kind.name()),
        ),
    }
    Ok(())
}

/// The field a metadata entry names, for normalization: by id when it has
/// one (as the SDK goes), else by name.
pub fn resolve<'o>(ontology: &'o Ontology, id: Option<&str>, name: Option<&str>) -> Option<&'o FieldDef> {
    match id {
        Some(id) => match ontology.by_id(id)? {
            Target::Field(i) => Some(&ontology.fields[i]),
            Target::Option(..) => None,
        },
        None => name.and_then(|n| ontology.by_name(n)).map(|i| &ontology.fields[i]),
    }
}

/// What a valid number field's value normalizes to, when it is not a JSON
/// number already: Python's `float()` of it, written as JSON.
pub fn coerced_number(value: Raw<'_>) -> Option<String> {
    let n = match value.kind {
        JsonKind::Bool => sdk_number(Scalar::Bool(value.text == "true"))?,
        JsonKind::String => sdk_number(Scalar::Text(&value.as_str()?.value()))?,
        _ => return None,
    };
    Some(serde_json::to_string(&n).expect("a finite float serializes"))
}

/// A JSON scalar, as a number field may be given one.
#[derive(Debug, Clone, Copy)]
pub enum Scalar<'a> {
    Number(f64),
    Bool(bool),
    Text(&'a str),
}

/// A number field's value as the SDK converts it (Python's `float()`):
/// `None` where that raises, or reads an infinity or NaN, which no JSON
/// number can carry.
pub fn sdk_number(value: Scalar<'_>) -> Option<f64> {
    match value {
        Scalar::Number(n) => Some(n),
        Scalar::Bool(b) => Some(b as u8 as f64),
        Scalar::Text(s) => py_float(s),
    }
    .filter(|n| n.is_finite())
}

/// The first code point of each run of ten Unicode decimal digits (general
/// category Nd, Unicode 14 as Python 3.11 has it): Python's `float()` reads
/// all of them.
const DIGIT_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040,
    0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0,
    0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0,
    0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6,
    0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

fn decimal_digit(c: char) -> Option<u8> {
    let c = c as u32;
    let i = DIGIT_ZEROS.partition_point(|&zero| zero <= c).checked_sub(1)?;
    (c - DIGIT_ZEROS[i] < 10).then(|| (c - DIGIT_ZEROS[i]) as u8)
}

/// Python's `float()` of a string (what the SDK applies to number fields):
/// surrounding whitespace, a sign, digit underscores (PEP 515), any
/// decimal digits, `inf`, `infinity` and `nan`. `None` when it raises.
pub fn py_float(s: &str) -> Option<f64> {
    // Python strips exactly the Unicode White_Space characters here.
    let s = s.trim_matches(char::is_whitespace);
    let mut ascii = String::with_capacity(s.len());
    for c in s.chars() {
        match decimal_digit(c) {
            Some(d) => ascii.push((b'0' + d) as char),
            None if c.is_ascii() => ascii.push(c),
            None => return None,
        }
    }
    let (negative, body) = match ascii.as_bytes().first() {
        Some(b'-') => (true, &ascii[1..]),
        Some(b'+') => (false, &ascii[1..]),
        _ => (false, &ascii[..]),
    };
    let special = match body.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(n) = special {
        return Some(if negative { -n } else { n });
    }
    // digitpart ["." [digitpart]] | "." digitpart, then [e [sign] digitpart],
    // where digitpart is digits with single underscores between them.
    let b = body.as_bytes();
    let mut i = 0;
    let digitpart = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && (b[*i].is_ascii_digit() || (b[*i] == b'_' && *i > start && b[*i - 1].is_ascii_digit() && b.get(*i + 1).is_some_and(u8::is_ascii_digit))) {
            *i += 1;
        }
        *i > start
    };
    let whole = digitpart(&mut i);
    let mut fraction = false;
    if b.get(i) == Some(&b'.') {
        i += 1;
        fraction = digitpart(&mut i);
    }
    if !whole && !fraction {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digitpart(&mut i) {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let n: f64 = body.replace('_', "").parse().ok()?;
    Some(if negative { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Cursor;

    const IMAGE: Resolved = Resolved { media: Some(MediaType::Image), inferred: false };
    const VIDEO: Resolved = Resolved { media: Some(MediaType::Video), inferred: false };
    const UNKNOWN: Resolved = Resolved { media: None, inferred: false };

    fn findings(json: &str, ontology: &Ontology, media: Resolved) -> Findings {
        let raw = Cursor::new(json).value().unwrap();
        let mut f = Findings::default();
        check(raw, "/metadata_fields", ontology, media, &mut Seen::default(), &mut f).unwrap();
        f
    }

    fn codes(json: &str, ontology: &Ontology, media: Resolved) -> Vec<(Code, String)> {
        findings(json, ontology, media).list.into_iter().map(|f| (f.code, f.pointer)).collect()
    }

    fn v(at: &str) -> (Code, String) {
        (Code::METADATA_VALUE, at.into())
    }

    #[test]
    fn reserved_fields_by_name_and_id() {
        let o = Ontology::reserved();
        let ok = r#"[{"schema_id":"cko8s9r5v0001h2dk9elqdidh","value":"t"},
            {"name":"split","value":"cko8sbscr0003h2dk04w86hof"},
            {"name":"captureDateTime","value":"2022-06-01T10:30:00"},
            {"schema_id":"ckxxxxxxxxxxxxxxxxxxxxxxx","value":3}]"#;
        assert_eq!(codes(ok, &o, UNKNOWN), vec![]);
        assert_eq!(codes(r#"[{"name":"split","value":"foo"}]"#, &o, UNKNOWN), vec![v("/metadata_fields/0/value")]);
        assert_eq!(codes(r#"[{"name":"captureDateTime","value":"2022-02-30T00:00:00"}]"#, &o, UNKNOWN), vec![v("/metadata_fields/0/value")]);
        assert_eq!(codes(r#"[{"name":"captureDateTime","value":"2022-06-01"}]"#, &o, UNKNOWN), vec![]);
        assert_eq!(codes(r#"[{"schema_id":"ckpyije740000yxdk81pbgjdc","value":[1,2]}]"#, &o, UNKNOWN), vec![v("/metadata_fields/0/value")]);
        assert_eq!(codes(r#"[{"name":"tag","value":{}}]"#, &o, UNKNOWN), vec![v("/metadata_fields/0/value")]);
        assert_eq!(codes(r#"[{"name":"x","value":null}]"#, &o, UNKNOWN), vec![v("/metadata_fields/0")]);
        assert_eq!(codes(r#"[{"name":"x","value":{}}]"#, &o, UNKNOWN), vec![v("/metadata_fields/0/value")]);
        assert_eq!(codes(r#"[{"name":"tag"}]"#, &o, UNKNOWN), vec![v("/metadata_fields/0")]);
        let computed = findings(r#"[{"name":"precomputedImageEmbedding","value":[1]}]"#, &o, UNKNOWN);
        assert_eq!((computed.list[0].code, computed.list[0].severity), (Code::METADATA_VALUE, crate::Severity::Warning));
    }

    #[test]
    fn skip_n_frames_only_on_rows_known_not_to_be_video() {
        let o = Ontology::reserved();
        let row = r#"[{"name":"skipNFrames","value":2}]"#;
        assert_eq!(codes(row, &o, IMAGE), vec![v("/metadata_fields/0/value")]);
        assert_eq!(codes(row, &o, VIDEO), vec![]);
        assert_eq!(codes(row, &o, UNKNOWN), vec![]);
        let inferred = findings(row, &o, Resolved { media: Some(MediaType::Text), inferred: true });
        assert!(inferred.list[0].message.contains("was inferred as TEXT"), "{}", inferred.list[0].message);
    }

    #[test]
    fn numbers_read_as_python_float_reads_them() {
        let o = Ontology::reserved();
        for ok in ["\"2\"", "\" 2 \"", "\"1_000\"", "\"-1.5e3\"", "\".5\"", "\"5.\"", "true", "false", "\"\u{0661}\u{0662}\""] {
            let f = findings(&format!(r#"[{{"name":"skipNFrames","value":{ok}}}]"#), &o, VIDEO);
            assert_eq!(f.list.iter().map(|f| f.code).collect::<Vec<_>>(), vec![Code::METADATA_NUMBER_COERCED], "{ok}");
            assert!(f.rewrite);
        }
        for bad in ["\"inf\"", "\"-Infinity\"", "\"nan\"", "\"1e400\"", "\"0x10\"", "\"1__0\"", "\"_1\"", "\"1,5\"", "\"\"", "\"two\"", "[1]", "{}"] {
            assert_eq!(codes(&format!(r#"[{{"name":"skipNFrames","value":{bad}}}]"#), &o, VIDEO), vec![v("/metadata_fields/0/value")], "{bad}");
        }
        assert_eq!(py_float(" \u{2003}1_0.2_5e1_0\u{3000}"), Some(10.25e10));
        assert_eq!(py_float("+.5"), Some(0.5));
        for bad in ["1_", "1_.5", "1._5", "1e_5", "1_e5", "e5", ".", "1e", "- 1", "1\u{200b}"] {
            assert_eq!(py_float(bad), None, "{bad}");
        }
        let raw = |t: &'static str| Cursor::new(t).value().unwrap();
        assert_eq!(coerced_number(raw("\"2\"")).as_deref(), Some("2.0"));
        assert_eq!(coerced_number(raw("true")).as_deref(), Some("1.0"));
        assert_eq!(coerced_number(raw("\" 1_000 \"")).as_deref(), Some("1000.0"));
        assert_eq!(coerced_number(raw("2")), None);
        assert_eq!(sdk_number(Scalar::Text(" 2.5 ")), Some(2.5));
        assert_eq!(sdk_number(Scalar::Bool(true)), Some(1.0));
        assert_eq!(sdk_number(Scalar::Number(-3.0)), Some(-3.0));
        assert_eq!(sdk_number(Scalar::Text("1e400")), None, "an infinity JSON cannot carry");
        assert_eq!(sdk_number(Scalar::Text("NaN")), None);
    }

    #[test]
    fn strings_error_past_4096_and_warn_past_1024() {
        let o = Ontology::reserved();
        let row = |n: usize| format!(r#"[{{"name":"tag","value":"{}"}}]"#, "é".repeat(n));
        assert!(findings(&row(1024), &o, UNKNOWN).list.is_empty());
        let warned = findings(&row(1025), &o, UNKNOWN);
        assert_eq!((warned.list[0].code, warned.list[0].severity), (Code::METADATA_VALUE, crate::Severity::Warning));
        assert_eq!(findings(&row(4096), &o, UNKNOWN).list[0].severity, crate::Severity::Warning);
        assert_eq!(findings(&row(4097), &o, UNKNOWN).list[0].severity, crate::Severity::Error);
    }

    #[test]
    fn enums_take_several_options_once_each() {
        let o = Ontology::reserved();
        let split = |value: &str| format!(r#"{{"name":"split","value":"{value}"}}"#);
        let by_id = |value: &str| format!(r#"{{"schema_id":"cko8sbczn0002h2dkdaxb5kal","value":"{value}"}}"#);
        assert_eq!(codes(&format!("[{},{}]", split("train"), split("valid")), &o, UNKNOWN), vec![]);
        assert_eq!(
            codes(&format!("[{},{}]", split("train"), split("train")), &o, UNKNOWN),
            vec![(Code::METADATA_DUPLICATE, "/metadata_fields/1".into())]
        );
        // The same option by name and by id.
        assert_eq!(
            codes(&format!("[{},{}]", split("train"), by_id("cko8sbscr0003h2dk04w86hof")), &o, UNKNOWN),
            vec![(Code::METADATA_DUPLICATE, "/metadata_fields/1".into())]
        );
        // Named by schema_id, an enum takes only an option id.
        let f = findings(&format!("[{}]", by_id("train")), &o, UNKNOWN);
        assert_eq!((f.list[0].code, f.list[0].suggestion.as_deref()), (Code::METADATA_VALUE, Some("cko8sbscr0003h2dk04w86hof")));
        // An option id where the field's id goes.
        assert_eq!(
            codes(r#"[{"schema_id":"cko8sbscr0003h2dk04w86hof","value":"x"}]"#, &o, UNKNOWN),
            vec![(Code::METADATA_SCHEMA_ID, "/metadata_fields/0/schema_id".into())]
        );
    }

    #[test]
    fn ids_duplicates_and_unknown_keys() {
        let o = Ontology::reserved();
        assert_eq!(
            codes(r#"[{"schema_id":"BAD","value":"t"}]"#, &o, UNKNOWN),
            vec![(Code::METADATA_SCHEMA_ID, "/metadata_fields/0/schema_id".into())]
        );
        assert_eq!(codes(r#"[{"value":"t"}]"#, &o, UNKNOWN), vec![(Code::METADATA_SCHEMA_ID, "/metadata_fields/0".into())]);
        assert_eq!(
            codes(r#"[{"name":"tag","value":"a"},{"schema_id":"cko8s9r5v0001h2dk9elqdidh","value":"b"}]"#, &o, UNKNOWN),
            vec![(Code::METADATA_DUPLICATE, "/metadata_fields/1".into())]
        );
        // Of unknown kind: only the same value twice is surely a repeat.
        assert_eq!(codes(r#"[{"name":"color","value":"red"},{"name":"color","value":"blue"}]"#, &o, UNKNOWN), vec![]);
        assert_eq!(
            codes(r#"[{"name":"color","value":"red"},{"name":"color","value":"red"}]"#, &o, UNKNOWN),
            vec![(Code::METADATA_DUPLICATE, "/metadata_fields/1".into())]
        );
        assert_eq!(
            codes(r#"[{"name":"tag","value":"a","extra":1}]"#, &o, UNKNOWN),
            vec![(Code::ROW_UNKNOWN_FIELD, "/metadata_fields/0/extra".into())]
        );
        // An id and a name that disagree: the SDK goes by the id.
        let f = findings(r#"[{"schema_id":"cko8s9r5v0001h2dk9elqdidh","name":"split","value":"x"}]"#, &o, UNKNOWN);
        assert_eq!((f.list.len(), f.list[0].code, f.list[0].severity), (1, Code::METADATA_SCHEMA_ID, crate::Severity::Warning));
    }

    #[test]
    fn ontology_makes_unknown_fields_errors_and_checks_enums() {
        let o = Ontology::from_json(
            br#"[{"schema_id":"cl000000000000000000000aa","name":"color","kind":"CustomMetadataEnum",
                 "options":[{"schema_id":"cl000000000000000000000ab","name":"red"},{"id":"cl000000000000000000000ac","name":"blue"}]},
                 {"id":"cl000000000000000000000ad","name":"size","kind":"number"}]"#,
        )
        .unwrap();
        assert_eq!(codes(r#"[{"name":"color","value":"red"},{"name":"color","value":"blue"}]"#, &o, UNKNOWN), vec![]);
        assert_eq!(codes(r#"[{"name":"color","value":"cl000000000000000000000ab"}]"#, &o, UNKNOWN), vec![]);
        assert_eq!(codes(r#"[{"name":"color","value":"green"}]"#, &o, UNKNOWN)[0].0, Code::METADATA_VALUE);
        assert_eq!(
            codes(r#"[{"name":"size","value":1},{"schema_id":"cl000000000000000000000ad","value":2}]"#, &o, UNKNOWN),
            vec![(Code::METADATA_DUPLICATE, "/metadata_fields/1".into())]
        );
        assert_eq!(codes(r#"[{"name":"weight","value":1}]"#, &o, UNKNOWN)[0], (Code::METADATA_UNKNOWN_FIELD, "/metadata_fields/0/name".into()));
        assert_eq!(
            codes(r#"[{"schema_id":"cl000000000000000000000zz","value":1}]"#, &o, UNKNOWN)[0],
            (Code::METADATA_UNKNOWN_FIELD, "/metadata_fields/0/schema_id".into())
        );
        assert!(Ontology::from_json(b"{}").is_err());
        assert!(Ontology::from_json(br#"[{"name":"a","kind":"blob"}]"#).is_err());
    }

    /// One row with 200,000 entries: every repeat found, in linear time,
    /// and the set's memory reused for the next row.
    #[test]
    fn a_row_of_200_000_entries_is_linear() {
        let o = Ontology::reserved();
        let mut json = String::from("[");
        for i in 0..200_000 {
            // Unknown fields, each value once, except every 50,000th repeats
            // the entry before it; a reserved field twice at the end.
            let v = if i % 50_000 == 1 { i - 1 } else { i };
            json.push_str(&format!(r#"{{"name":"f{}","value":"v{v}"}},"#, v % 1000));
        }
        json.push_str(r#"{"name":"tag","value":"a"},{"name":"tag","value":"b"}]"#);
        let raw = Cursor::new(&json).value().unwrap();
        let mut seen = Seen::default();
        let started = std::time::Instant::now();
        let mut f = Findings::default();
        check(raw, "/metadata_fields", &o, UNKNOWN, &mut seen, &mut f).unwrap();
        let elapsed = started.elapsed();
        let dups: Vec<&str> = f.list.iter().filter(|f| f.code == Code::METADATA_DUPLICATE).map(|f| f.pointer.as_str()).collect();
        assert_eq!(dups, ["/metadata_fields/1", "/metadata_fields/50001", "/metadata_fields/100001", "/metadata_fields/150001", "/metadata_fields/200001"]);
        assert_eq!(f.list.len(), 5);
        // Quadratic work on 200,000 entries takes minutes; linear, milliseconds.
        assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
        let capacity = (seen.table.capacity(), seen.arena.capacity());
        let mut again = Findings::default();
        check(raw, "/metadata_fields", &o, UNKNOWN, &mut seen, &mut again).unwrap();
        assert_eq!((seen.table.capacity(), seen.arena.capacity()), capacity);
        assert_eq!(again.list, f.list);
    }
}
