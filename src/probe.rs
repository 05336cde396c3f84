//! Will the assets load: which URLs a manifest has the platform fetch, what
//! to request for each, and what an answer means, as diagnostics in the
//! report's shape. The requests themselves are JavaScript's
//! (`pkg/lib/probe.js`); it hands every answer back here.

use std::borrow::Cow;
use std::fmt::Write as _;

use hashbrown::HashMap;

use crate::json::{self, Kind, Raw};
use crate::media::MediaType;
use crate::report::{Code, Diagnostic, Report, Severity, quote};
use crate::row::{Field, Row};
use crate::url;

/// Codes only a probe produces (a check, with no network, cannot): the
/// corpus covers every other code, the probe tests these.
pub const CODES: &[Code] = &[
    Code::ASSET_FORBIDDEN,
    Code::ASSET_NOT_FOUND,
    Code::ASSET_HTTP_ERROR,
    Code::ASSET_UNREACHABLE,
    Code::ASSET_CONTENT_TYPE,
    Code::ASSET_TOO_LARGE,
    Code::ASSET_REDIRECT,
    Code::ASSET_CORS,
    Code::ASSET_NOT_PROBED,
];

/// The labeling app's origin, the one the editor fetches assets from
/// (SDK `client.py`, `app_url`).
pub const APP_ORIGIN: &str = "https://app.labelbox.com";

/// Videos over this are refused (docs `/reference/import-video-data`:
/// "Maximum file size: 1024 MB").
pub const MAX_VIDEO_BYTES: u64 = 1024 << 20;

/// The automatic text layer of a PDF is made only up to this size (docs
/// `/reference/import-document-data`: Google Document AI, "should not exceed 20 MB").
pub const MAX_AUTO_TEXT_LAYER_BYTES: u64 = 20 << 20;

/// What the platform expects to find at a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Image,
    Video,
    Audio,
    Text,
    Html,
    Pdf {
        text_layer: bool,
    },
    TextLayer,
    Dicom,
    /// A conversation hosted as a JSON file.
    Json,
    /// One tile of a tile layer.
    Tile,
    GeoTiff,
    /// The row's media type is unknown: nothing to compare with.
    Unknown,
}

impl Expect {
    fn of_media(media: Option<MediaType>) -> Expect {
        match media {
            Some(MediaType::Image) => Expect::Image,
            Some(MediaType::Video) => Expect::Video,
            Some(MediaType::Audio) => Expect::Audio,
            Some(MediaType::Text) => Expect::Text,
            Some(MediaType::Html) => Expect::Html,
            Some(MediaType::Dicom) => Expect::Dicom,
            Some(MediaType::Pdf) => Expect::Pdf { text_layer: false },
            Some(MediaType::Conversational) => Expect::Json,
            Some(MediaType::TmsGeo | MediaType::TmsSimple) => Expect::Tile,
            None => Expect::Unknown,
        }
    }

    /// An attachment type whose value is a URL the editor loads.
    fn of_attachment(kind: &str, value: &str) -> Option<Expect> {
        Some(match kind {
            "IMAGE" | "IMAGE_OVERLAY" | "CAMERA_IMAGE" => Expect::Image,
            "VIDEO" => Expect::Video,
            "AUDIO" => Expect::Audio,
            "HTML" => Expect::Html,
            "TEXT_URL" => Expect::Text,
            "TEXT" if url::looks_like_url(value) => Expect::Text,
            "PDF_URL" => Expect::Pdf { text_layer: true },
            _ => return None,
        })
    }

    fn what(self) -> &'static str {
        match self {
            Expect::Image => "an image",
            Expect::Video => "a video",
            Expect::Audio => "audio",
            Expect::Text => "text",
            Expect::Html => "an HTML page",
            Expect::Pdf { .. } => "a PDF",
            Expect::TextLayer => "a JSON text layer",
            Expect::Dicom => "a DICOM file",
            Expect::Json => "a JSON conversation",
            Expect::Tile => "an image tile",
            Expect::GeoTiff => "a GeoTIFF",
            Expect::Unknown => "the asset",
        }
    }

    /// How a served media type (lower case, parameters dropped) fits.
    fn fit(self, mime: &str) -> Fit {
        // Storage that was never told a type says this; browsers sniff it.
        if mime.is_empty() || matches!(mime, "application/octet-stream" | "binary/octet-stream") {
            return Fit::Unknown;
        }
        let html = matches!(mime, "text/html" | "application/xhtml+xml");
        let textual = mime.starts_with("text/") || matches!(mime, "application/json" | "application/xml");
        let fits = match self {
            Expect::Unknown => return Fit::Unknown,
            Expect::Html => html,
            _ if html => return Fit::Html,
            Expect::Image | Expect::Tile => mime.starts_with("image/"),
            Expect::GeoTiff => mime.contains("tiff"),
            Expect::Video => mime.starts_with("video/") || mime == "application/mp4",
            Expect::Audio => mime.starts_with("audio/") || matches!(mime, "video/mp4" | "application/ogg"),
            Expect::Text | Expect::Json | Expect::TextLayer => textual,
            Expect::Pdf { .. } => matches!(mime, "application/pdf" | "application/x-pdf"),
            Expect::Dicom => mime == "application/dicom",
        };
        if fits { Fit::Yes } else { Fit::Other }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Fit {
    Yes,
    /// An HTML page where something else should be.
    Html,
    Other,
    Unknown,
}

/// One URL a row has the platform fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset<'a> {
    pub pointer: String,
    /// Offset of its string token in the row's text.
    pub offset: u32,
    /// As written in the row.
    pub url: Cow<'a, str>,
    /// What to request instead of the URL as written: one tile of a template.
    pub request: Option<String>,
    pub expect: Expect,
}

impl Asset<'_> {
    pub fn into_owned(self) -> Asset<'static> {
        Asset { url: Cow::Owned(self.url.into_owned()), ..self }
    }

    fn requested(&self) -> &str {
        self.request.as_deref().unwrap_or(&self.url)
    }
}

/// The value of the first of `names` in an object, `null` counting as absent.
fn member<'a>(object: Raw<'a>, names: [&str; 2]) -> json::Result<Option<Raw<'a>>> {
    let mut found = None;
    object.cursor().object(|c, key| {
        let value = c.value()?;
        if found.is_none() && !value.is_null() && names.contains(&&*key.value()) {
            found = Some(value);
        }
        Ok(())
    })?;
    Ok(found)
}

/// The URLs of a row that the platform loads: row_data (a URL, or a PDF's
/// document and text layer, or a tile layer), and URL-valued attachments.
/// With `tiles`, a tile layer is given as one tile to request (see
/// [`tile`]); without, only URLs as written are listed. A string that
/// does not look like a URL is left out.
pub fn assets<'a>(row: &Row<'a>, media: Option<MediaType>, tiles: bool, out: &mut Vec<Asset<'a>>) -> json::Result<()> {
    let string = |raw: Raw<'a>, pointer: String, expect, out: &mut Vec<Asset<'a>>| {
        if let Some(s) = raw.as_str() {
            let value = s.value();
            if url::looks_like_url(&value) {
                out.push(Asset { pointer, offset: raw.offset, url: value, request: None, expect });
            }
        }
    };
    if let Some(data) = row.get(Field::RowData) {
        match (data.kind, media) {
            (Kind::String, _) => string(data, "/row_data".into(), Expect::of_media(media), out),
            (Kind::Object, Some(MediaType::Pdf)) => {
                let text_layer = member(data, ["text_layer_url", "textLayerUrl"])?;
                if let Some(pdf) = member(data, ["pdf_url", "pdfUrl"])? {
                    string(pdf, "/row_data/pdf_url".into(), Expect::Pdf { text_layer: text_layer.is_some() }, out);
                }
                if let Some(layer) = text_layer {
                    string(layer, "/row_data/text_layer_url".into(), Expect::TextLayer, out);
                }
            }
            (Kind::Object, Some(MediaType::TmsGeo | MediaType::TmsSimple)) => tile_layers(data, media, tiles, out)?,
            _ => {}
        }
    }
    if let Some(list) = row.get(Field::Attachments).filter(|a| a.kind == Kind::Array) {
        list.cursor().array(|c, index| {
            let item = c.value()?;
            if item.kind != Kind::Object {
                return Ok(());
            }
            let (Some(kind), Some(value)) = (member(item, ["type", "type"])?, member(item, ["value", "value"])?) else {
                return Ok(());
            };
            let (Some(kind), Some(text)) = (kind.as_str(), value.as_str()) else {
                return Ok(());
            };
            if let Some(expect) = Expect::of_attachment(&kind.value(), &text.value()) {
                string(value, format!("/attachments/{index}/value"), expect, out);
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// The template of the top-level layer and of each alternative layer.
fn tile_layers<'a>(data: Raw<'a>, media: Option<MediaType>, tiles: bool, out: &mut Vec<Asset<'a>>) -> json::Result<()> {
    let view = if tiles { View::of(data, media == Some(MediaType::TmsSimple))? } else { View::default() };
    let mut layer = |raw: Raw<'a>, pointer: String| {
        let Some(s) = raw.as_str() else { return };
        let template = s.value();
        if !url::looks_like_url(&template) {
            return;
        }
        let is_template = ["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p));
        let (request, expect) = match () {
            _ if !tiles => (None, Expect::Tile),
            _ if is_template => match tile(&template, &view) {
                Some(one) => (Some(one), Expect::Tile),
                None => return,
            },
            // A single georeferenced file, served whole (COG, GeoTIFF).
            _ if url::extension(&template).is_some_and(|e| e.eq_ignore_ascii_case("tif") || e.eq_ignore_ascii_case("tiff")) => {
                (None, Expect::GeoTiff)
            }
            _ => return,
        };
        out.push(Asset { pointer, offset: raw.offset, url: template, request, expect });
    };
    if let Some(raw) = member(data, ["tile_layer_url", "tileLayerUrl"])? {
        layer(raw, "/row_data/tile_layer_url".into());
    }
    if let Some(list) = member(data, ["alternative_layers", "alternativeLayers"])?.filter(|l| l.kind == Kind::Array) {
        list.cursor().array(|c, index| {
            let item = c.value()?;
            if item.kind == Kind::Object {
                if let Some(raw) = member(item, ["tile_layer_url", "tileLayerUrl"])? {
                    layer(raw, format!("/row_data/alternative_layers/{index}/tile_layer_url"));
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Where a tiled row is looked at first: its lowest zoom and the middle of
/// its bounds.
#[derive(Debug, Default, Clone, Copy)]
struct View {
    zoom: u32,
    /// Latitude and longitude of the centre; `None` for plain (Simple) tiles.
    centre: Option<(f64, f64)>,
}

impl View {
    fn of(data: Raw<'_>, simple: bool) -> json::Result<View> {
        let zoom = member(data, ["min_zoom", "minZoom"])?.and_then(crate::media::whole_number).map_or(0, |z| z.min(30.0) as u32);
        if simple {
            return Ok(View { zoom, centre: None });
        }
        let lat_first = member(data, ["version", "version"])?.and_then(|v| v.as_f64()) != Some(2.0);
        let mut corners = Vec::new();
        if let Some(bounds) = member(data, ["bounds", "bounds"])?.filter(|b| b.kind == Kind::Array) {
            for corner in bounds.elements()? {
                let point: Vec<f64> =
                    if corner.kind == Kind::Array { corner.elements()?.iter().filter_map(|n| n.as_f64()).collect() } else { Vec::new() };
                if let [a, b] = point[..] {
                    corners.push(if lat_first { (a, b) } else { (b, a) });
                }
            }
        }
        let centre = match corners[..] {
            [(lat1, lng1), (lat2, lng2)] => Some(((lat1 + lat2) / 2.0, (lng1 + lng2) / 2.0)),
            _ => Some((0.0, 0.0)),
        };
        Ok(View { zoom, centre })
    }
}

/// One tile of `template`: at the row's lowest zoom, the XYZ (web mercator)
/// tile holding the centre of its bounds; for plain tiles, the first tile
/// (0, 0), which every pyramid has. `None` when a placeholder other than
/// `{z}`, `{x}` and `{y}` is left.
fn tile(template: &str, view: &View) -> Option<String> {
    let n = f64::from(2u32.pow(view.zoom.min(30)));
    let (x, y) = match view.centre {
        None => (0, 0),
        Some((lat, lng)) => {
            let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
            let x = ((lng.clamp(-180.0, 180.0) + 180.0) / 360.0 * n).floor();
            let y = ((1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor();
            (x.clamp(0.0, n - 1.0) as u64, y.clamp(0.0, n - 1.0) as u64)
        }
    };
    let one = template.replace("{z}", &view.zoom.to_string()).replace("{x}", &x.to_string()).replace("{y}", &y.to_string());
    (!one.contains('{')).then_some(one)
}

/// `scheme://host[:port]` of an http(s) URL, lower case, without the
/// scheme's default port: what a browser calls its origin.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h).to_ascii_lowercase();
    let default = if scheme == "https" { ":443" } else { ":80" };
    let host = host.strip_suffix(default).unwrap_or(&host);
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

fn is_gs(url: &str) -> bool {
    url.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("gs://"))
}

/// Where a URL was found.
#[derive(Debug, Clone)]
struct Source {
    row: u64,
    pointer: String,
    line: u64,
    column: u64,
    /// The row's span in the input.
    row_offset: u64,
    row_length: u64,
    expect: Expect,
    /// The URL as written, when what is requested differs (a tile).
    written: Option<String>,
}

/// A distinct URL to request, and every place it was found.
#[derive(Debug)]
struct Target {
    url: String,
    origin: u32,
    sources: Vec<Source>,
}

/// Every distinct URL of a manifest, collected as the check reads it.
#[derive(Debug, Default)]
pub struct Plan {
    targets: Vec<Target>,
    index: HashMap<String, u32>,
    origins: Vec<String>,
    origin_index: HashMap<String, u32>,
    /// `gs://` URLs: only the platform's integration can read them.
    not_probed: Vec<Diagnostic>,
}

impl Plan {
    /// Add one asset of row `row` (whose span is `row_offset`, `row_length`
    /// bytes), found at `line`/`column`. URLs neither http(s) nor `gs://`
    /// are not requested (the check reports them).
    pub fn add(&mut self, row: u64, (row_offset, row_length): (u64, u64), line: u64, column: u64, asset: Asset<'_>) {
        let url = asset.requested();
        let Some(origin) = origin_of(url) else {
            if is_gs(url) {
                self.not_probed.push(Diagnostic {
                    code: Code::ASSET_NOT_PROBED,
                    severity: Severity::Info,
                    row: Some(row),
                    message: format!(
                        "{} is a gs:// URL, which only the platform's Google Cloud integration can read; it needs that integration and was not probed",
                        quote(url)
                    ),
                    pointer: asset.pointer,
                    line,
                    column,
                    offset: row_offset,
                    length: row_length,
                    suggestion: None,
                });
            }
            return;
        };
        let next = self.targets.len() as u32;
        let id = *self.index.entry_ref(url).or_insert(next);
        if id == next {
            let origins = self.origins.len() as u32;
            let o = *self.origin_index.entry_ref(origin.as_str()).or_insert(origins);
            if o == origins {
                self.origins.push(origin);
            }
            self.targets.push(Target { url: url.to_string(), origin: o, sources: Vec::with_capacity(1) });
        }
        let written = asset.request.is_some().then(|| asset.url.into_owned());
        self.targets[id as usize].sources.push(Source { row, pointer: asset.pointer, line, column, row_offset, row_length, expect: asset.expect, written });
    }

    /// Distinct http(s) URLs.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

/// How a probe is run: what JavaScript tells the rules about it.
#[derive(Debug, Clone)]
pub struct Options {
    /// The origin requests claim (`Origin`), whose CORS answer is judged.
    pub origin: String,
    /// Requests go through a browser's fetch in CORS mode, from `origin`:
    /// the browser enforces CORS itself and hides the headers it judges.
    pub browser: bool,
    /// Probe only this many URLs, picked by `seed`.
    pub sample: Option<u64>,
    pub seed: u64,
    /// The per-request timeout, for messages.
    pub timeout_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { origin: APP_ORIGIN.to_string(), browser: false, sample: None, seed: 0, timeout_ms: 10_000 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Head,
    /// `Range: bytes=0-1023`.
    Get,
}

/// Why no HTTP answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Timeout,
    Dns,
    Refused,
    Reset,
    Tls,
    /// Anything else a transport could not tell apart (a browser never can).
    Network,
    /// A browser's CORS check refused the answer: the server answers, but
    /// not with an `Access-Control-Allow-Origin` for the page.
    Cors,
}

/// One request's outcome, as the transport saw it.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub method: Option<Method>,
    pub status: Option<u16>,
    pub failure: Option<Failure>,
    /// The transport's own words for a failure (an error code).
    pub detail: Option<String>,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub content_range: Option<String>,
    pub location: Option<String>,
    pub allow_origin: Option<String>,
    pub retry_after: Option<String>,
    /// Where the answer came from after the redirects the transport followed.
    pub final_url: Option<String>,
    /// Requests made, retries included.
    pub attempts: u32,
    /// Not requested: earlier requests to the same host failed this way.
    pub skipped: bool,
}

/// What the transport should do after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The answer is judged; nothing more for this URL.
    Done,
    /// Ask again with a ranged GET: the HEAD answer does not tell.
    Get,
}

/// A probe of a checked manifest's assets: the URLs to request (all, or a
/// sample), the answers judged as they come, and the check's report with
/// the findings merged in.
pub struct Prober {
    plan: Plan,
    check: Report,
    options: Options,
    /// Target ids to request, ascending.
    chosen: Vec<u32>,
    answered: Vec<bool>,
    probed: u64,
    found: Vec<Diagnostic>,
    /// Of `found`, the errors.
    errors: u64,
    refused: Option<String>,
}

impl Prober {
    pub fn new(plan: Plan, check: Report, options: Options) -> Prober {
        // A manifest the platform cannot parse is refused whole: its assets come after.
        let refused = check
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error && matches!(d.code, Code::FILE_SYNTAX | Code::FILE_ENCODING | Code::FILE_ROOT))
            .map(|d| {
                format!(
                    "the manifest does not parse ({} at line {}, column {}), so no asset was probed; fix it and probe again",
                    d.code.as_str(),
                    d.line,
                    d.column
                )
            });
        let mut chosen: Vec<u32> = if refused.is_some() { Vec::new() } else { (0..plan.targets.len() as u32).collect() };
        if let Some(n) = options.sample {
            sample(&mut chosen, n as usize, options.seed);
        }
        let answered = vec![false; plan.targets.len()];
        Prober { plan, check, options, chosen, answered, probed: 0, found: Vec::new(), errors: 0, refused }
    }

    /// Why nothing is probed, when nothing is.
    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// `(id, url, origin)` of each URL to request, in manifest order.
    pub fn targets(&self) -> impl Iterator<Item = (u32, &str, &str)> + '_ {
        self.chosen.iter().map(|&id| {
            let t = &self.plan.targets[id as usize];
            (id, t.url.as_str(), self.plan.origins[t.origin as usize].as_str())
        })
    }

    /// Each origin that will be contacted and how many URLs it serves, most first.
    pub fn hosts(&self) -> Vec<(&str, u64)> {
        let mut counts = vec![0u64; self.plan.origins.len()];
        for &id in &self.chosen {
            counts[self.plan.targets[id as usize].origin as usize] += 1;
        }
        let mut hosts: Vec<(&str, u64)> =
            counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(o, n)| (self.plan.origins[o].as_str(), *n)).collect();
        crate::order::sort_by(&mut hosts, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        hosts
    }

    pub fn total(&self) -> u64 {
        self.chosen.len() as u64
    }

    pub fn probed(&self) -> u64 {
        self.probed
    }

    /// `gs://` URLs (one per place found), left to the platform's integration.
    pub fn not_probed(&self) -> u64 {
        self.plan.not_probed.len() as u64
    }

    /// Diagnostics the answers so far made.
    pub fn findings(&self) -> &[Diagnostic] {
        &self.found
    }

    /// Errors in the merged report: the check's and the probe's.
    pub fn errors(&self) -> u64 {
        self.check.summary.errors + self.errors
    }

    /// Judge the answer for target `id`. `Err` is the caller's mistake (an
    /// unknown id, or one answered before).
    pub fn answer(&mut self, id: u32, answer: &Answer) -> Result<Next, String> {
        let done = self.answered.get(id as usize).copied().ok_or_else(|| format!("no URL has id {id}"))?;
        if done {
            return Err(format!("URL {id} was answered already"));
        }
        if answer.method == Some(Method::Head) && self.ask_again(answer) {
            return Ok(Next::Get);
        }
        self.answered[id as usize] = true;
        self.probed += 1;
        let target = &self.plan.targets[id as usize];
        let origin = &self.plan.origins[target.origin as usize];
        let before = self.found.len();
        for source in &target.sources {
            judge(&self.options, &target.url, origin, source, answer, &mut self.found);
        }
        self.errors += self.found[before..].iter().filter(|d| d.severity == Severity::Error).count() as u64;
        Ok(Next::Done)
    }

    /// Whether a HEAD answer leaves the question open: storage refuses HEAD
    /// on a URL signed for GET (403), some servers refuse the method (405,
    /// 501), and a CORS rule may allow GET alone, as the editor sends.
    fn ask_again(&self, a: &Answer) -> bool {
        match (a.failure, a.status) {
            (Some(Failure::Cors), _) => true,
            (Some(_), _) => false,
            (None, Some(s)) if (400..500).contains(&s) => !matches!(s, 404 | 410 | 429),
            (None, Some(501)) => true,
            (None, Some(s)) if (200..300).contains(&s) => !self.options.browser && cors_problem(a, &self.options.origin).is_some(),
            _ => false,
        }
    }

    /// The check's report with the probe's findings merged in, each after
    /// the check's findings of its row, and a summary of the probe.
    pub fn report(&self, interrupted: bool) -> Report {
        let mut extra: Vec<&Diagnostic> = self.found.iter().chain(&self.plan.not_probed).collect();
        crate::order::sort_by_key(&mut extra, |d| (d.row, d.line, d.column, d.code));
        let mut report = Report { diagnostics: Vec::with_capacity(self.check.diagnostics.len() + extra.len()), ..self.check.clone() };
        // Counted (and, for infos, kept or not) as the check's own were.
        let mut extra = extra.into_iter().peekable();
        for d in &self.check.diagnostics {
            if let Some(row) = d.row {
                while let Some(p) = extra.next_if(|p| p.row < Some(row)) {
                    report.add(p.clone());
                }
            }
            report.diagnostics.push(d.clone());
        }
        for p in extra {
            report.add(p.clone());
        }
        report.probe = Some(crate::report::ProbeSummary {
            urls: self.plan.targets.len() as u64,
            requested: self.total(),
            probed: self.probed,
            hosts: self.hosts().len() as u64,
            not_probed: self.not_probed(),
            origin: self.options.origin.clone(),
            interrupted,
            refused: self.refused.clone(),
        });
        report
    }
}

/// Keep `n` of `ids`, picked reproducibly by `seed` (splitmix64 driving a
/// partial Fisher–Yates shuffle), in their original order.
fn sample(ids: &mut Vec<u32>, n: usize, seed: u64) {
    if n >= ids.len() {
        return;
    }
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in 0..n {
        let j = i + (next() % (ids.len() - i) as u64) as usize;
        ids.swap(i, j);
    }
    ids.truncate(n);
    ids.sort_unstable();
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => " Bad Request",
        401 => " Unauthorized",
        403 => " Forbidden",
        404 => " Not Found",
        405 => " Method Not Allowed",
        408 => " Request Timeout",
        410 => " Gone",
        429 => " Too Many Requests",
        500 => " Internal Server Error",
        501 => " Not Implemented",
        502 => " Bad Gateway",
        503 => " Service Unavailable",
        504 => " Gateway Timeout",
        _ => "",
    }
}

/// What is wrong with the answer's `Access-Control-Allow-Origin` for `origin`.
fn cors_problem(a: &Answer, origin: &str) -> Option<String> {
    match a.allow_origin.as_deref().map(str::trim) {
        None | Some("") => Some("sends no Access-Control-Allow-Origin".to_string()),
        Some("*") => None,
        Some(v) if v.eq_ignore_ascii_case(origin) => None,
        Some(v) => Some(format!("allows the origin {}, not {origin}", quote(v))),
    }
}

/// The size of the whole file: `Content-Range`'s total on a partial
/// answer, else `Content-Length`.
fn size(a: &Answer) -> Option<u64> {
    if a.status == Some(206) {
        return a.content_range.as_deref().and_then(|r| r.rsplit_once('/')).and_then(|(_, total)| total.trim().parse().ok());
    }
    a.content_length
}

fn megabytes(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / f64::from(1u32 << 20))
}

/// The findings one answer makes for one place its URL was found.
fn judge(options: &Options, url: &str, origin: &str, source: &Source, a: &Answer, out: &mut Vec<Diagnostic>) {
    let what = match &source.written {
        Some(template) => format!("the tile {} of {}", quote(url), quote(template)),
        None => quote(url),
    };
    let tries = if a.attempts > 1 { format!(" after {} attempts", a.attempts) } else { String::new() };
    let mut add = |code: Code, severity: Severity, message: String| {
        out.push(Diagnostic {
            code,
            severity,
            row: Some(source.row),
            pointer: source.pointer.clone(),
            line: source.line,
            column: source.column,
            offset: source.row_offset,
            length: source.row_length,
            message,
            suggestion: None,
        });
    };
    let status = match (a.failure, a.status) {
        (Some(Failure::Cors), _) => {
            add(
                Code::ASSET_CORS,
                Severity::Warning,
                format!(
                    "{what} cannot be read from this page's origin {}: its server answers without an Access-Control-Allow-Origin for it; the labeling app's origin may still be allowed (rowcheck probe on the command line asks as {APP_ORIGIN}), else add a CORS rule allowing GET from it to the bucket",
                    options.origin
                ),
            );
            return;
        }
        (Some(failure), _) => {
            let detail = a.detail.as_deref().map_or(String::new(), |d| format!(" ({d})"));
            let skipped = if a.skipped { "; not requested, since earlier requests to this host failed the same way" } else { "" };
            let why = match failure {
                Failure::Timeout => format!("{origin} did not answer within {} ms{tries}", options.timeout_ms),
                Failure::Dns => {
                    format!("the host of {origin} does not resolve{detail}: check its name")
                }
                Failure::Refused => format!("{origin} refused the connection{detail}{tries}"),
                Failure::Reset => {
                    format!("{origin} closed the connection without answering{detail}{tries}")
                }
                Failure::Tls => format!("the TLS handshake with {origin} failed{detail}: browsers refuse such a certificate too"),
                Failure::Network | Failure::Cors => {
                    format!("the request could not be sent{detail}{tries}")
                }
            };
            add(
                Code::ASSET_UNREACHABLE,
                Severity::Error,
                format!(
                    "{what} cannot be loaded: {why}{skipped}; if the host is reachable only on a private network (a VPN, an IP allow-list), probe from there"
                ),
            );
            return;
        }
        (None, Some(status)) => status,
        (None, None) => {
            add(Code::ASSET_UNREACHABLE, Severity::Error, format!("{what} cannot be loaded: no answer came"));
            return;
        }
    };
    let phrase = reason(status);
    match status {
        200..=299 => {}
        300..=399 => {
            let to = a.location.as_deref().map_or("another URL".to_string(), quote);
            add(
                Code::ASSET_REDIRECT,
                Severity::Warning,
                format!("{what} answered {status}{phrase}, a redirect to {to} that was not followed; give the final URL in the manifest"),
            );
            return;
        }
        401 | 403 => {
            let signed = crate::signed_url::expiry(url).is_some();
            let hint = if signed {
                "it is a signed URL: its signature may have expired, or been made for another method, host or key; sign it again"
            } else {
                "the storage does not serve it to anyone without access: give the platform delegated access to the bucket (an IAM integration), use signed URLs, or make the object public"
            };
            add(Code::ASSET_FORBIDDEN, Severity::Error, format!("{what} answered {status}{phrase}: {hint}"));
            return;
        }
        404 | 410 => {
            // The tile asked for is computed, and a pyramid may lack it.
            let (severity, more) = match source.written {
                Some(_) => (Severity::Warning, "; the layer may lack this tile, but check the template"),
                None => (Severity::Error, ""),
            };
            add(
                Code::ASSET_NOT_FOUND,
                severity,
                format!("{what} answered {status}{phrase}: check the path for typos, and that the file was not moved or deleted{more}"),
            );
            return;
        }
        429 => {
            let wait = a.retry_after.as_deref().map_or(String::new(), |w| format!(" (Retry-After: {})", quote(w.trim())));
            add(
                Code::ASSET_HTTP_ERROR,
                Severity::Warning,
                format!(
                    "{what} answered {status}{phrase}{tries}{wait}: its host limits the request rate, which slows labelers too; probe again with a lower --concurrency or --per-host"
                ),
            );
            return;
        }
        500..=599 => {
            add(
                Code::ASSET_HTTP_ERROR,
                Severity::Warning,
                format!("{what} answered {status}{phrase}{tries}: the server failed; probe again later, and check the server if it persists"),
            );
            return;
        }
        _ => {
            add(
                Code::ASSET_HTTP_ERROR,
                Severity::Error,
                format!("{what} answered {status}{phrase}, so it cannot load; open it in a browser to see why"),
            );
            return;
        }
    }
    // A 2xx answer: is it what the row says, where it says?
    if let Some(to) = a.final_url.as_deref().and_then(origin_of).filter(|o| o != origin) {
        add(
            Code::ASSET_REDIRECT,
            Severity::Warning,
            format!(
                "{what} redirects to another host, {to}: a redirect away from the storage is often a login or error page, and the platform loads the URL as given; give the final URL"
            ),
        );
    }
    let mime = a.content_type.as_deref().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let expected = source.expect.what();
    match source.expect.fit(&mime) {
        Fit::Html => add(
            Code::ASSET_CONTENT_TYPE,
            Severity::Error,
            format!(
                "{what} is served as {mime}, not {expected}: an HTML page where {expected} should be is almost always a login page or an expired or broken link; open it in a private browser window"
            ),
        ),
        Fit::Other => add(
            Code::ASSET_CONTENT_TYPE,
            Severity::Warning,
            format!(
                "{what} is served as {mime}, which is not {expected}: the editor may not show it; check the file, or the Content-Type its storage sets"
            ),
        ),
        Fit::Yes | Fit::Unknown => {}
    }
    match (source.expect, size(a)) {
        (Expect::Video, Some(bytes)) if bytes > MAX_VIDEO_BYTES && source.pointer == "/row_data" => add(
            Code::ASSET_TOO_LARGE,
            Severity::Error,
            format!(
                "{what} is {} ({bytes} bytes), over the 1024 MB the platform takes for a video; re-encode it or cut it into clips",
                megabytes(bytes)
            ),
        ),
        (Expect::Pdf { text_layer: false }, Some(bytes)) if bytes > MAX_AUTO_TEXT_LAYER_BYTES => add(
            Code::ASSET_TOO_LARGE,
            Severity::Warning,
            format!(
                "{what} is {} ({bytes} bytes), over the 20 MB up to which the platform makes a text layer itself; give a text_layer_url, or split the document",
                megabytes(bytes)
            ),
        ),
        _ => {}
    }
    // The editor loads assets from the browser; an HTML attachment is framed, not read.
    if !options.browser && source.expect != Expect::Html {
        if let Some(problem) = cors_problem(a, &options.origin) {
            let mut message = format!("{what} {problem}: the labeling app fetches assets from the browser");
            let _ = write!(
                message,
                ", which cannot read this one from {}; add a CORS rule allowing GET from {} to the bucket",
                options.origin, options.origin
            );
            add(Code::ASSET_CORS, Severity::Warning, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Findings;
    use crate::row;

    fn found(json: &str, tiles: bool) -> Vec<(String, String, Option<String>, Expect)> {
        let mut f = Findings::default();
        let row = row::parse(json, true, &mut f).unwrap().unwrap();
        let media = crate::media::check(&row, &mut crate::media::Scratch::default(), &mut f).unwrap().media;
        let mut out = Vec::new();
        assets(&row, media, tiles, &mut out).unwrap();
        out.into_iter().map(|a| (a.pointer, a.url.into_owned(), a.request, a.expect)).collect()
    }

    #[test]
    fn every_url_a_row_has_loaded() {
        let row = r#"{"row_data":"https://h.example/a.jpg","attachments":[{"type":"IMAGE_OVERLAY","value":"https://h.example/o.png"},{"type":"RAW_TEXT","value":"https://not.loaded"},{"type":"TEXT","value":"hello"},{"type":"TEXT","value":"https://h.example/t.txt"},{"type":"PDF_URL","value":"gs://b/d.pdf"}]}"#;
        let got = found(row, true);
        assert_eq!(
            got.iter().map(|(p, u, _, e)| (p.as_str(), u.as_str(), *e)).collect::<Vec<_>>(),
            vec![
                ("/row_data", "https://h.example/a.jpg", Expect::Image),
                ("/attachments/0/value", "https://h.example/o.png", Expect::Image),
                ("/attachments/3/value", "https://h.example/t.txt", Expect::Text),
                ("/attachments/4/value", "gs://b/d.pdf", Expect::Pdf { text_layer: true }),
            ]
        );
        assert_eq!(found(r#"{"row_data":"just text"}"#, true), vec![]);
        let pdf = found(r#"{"row_data":{"pdfUrl":"https://h.example/d.pdf","text_layer_url":"https://h.example/d.json"}}"#, true);
        assert_eq!(pdf[0].3, Expect::Pdf { text_layer: true });
        assert_eq!(pdf[1].0, "/row_data/text_layer_url");
    }

    #[test]
    fn a_tiled_row_is_asked_for_one_tile_at_its_lowest_zoom() {
        let geo = r#"{"media_type":"TMS_GEO","row_data":{"tile_layer_url":"https://t.example/{z}/{x}/{y}.png?k=1","bounds":[[19.4,-99.2],[19.3,-99.1]],"min_zoom":12,"max_zoom":20,"epsg":"EPSG4326","alternative_layers":[{"tile_layer_url":"https://t.example/sat/{z}/{x}/{y}.jpg","name":"Sat"}]}}"#;
        let got = found(geo, true);
        // Mexico City at zoom 12: x 919, y 1823 (as any XYZ tile calculator gives).
        assert_eq!(got[0].2.as_deref(), Some("https://t.example/12/919/1823.png?k=1"));
        assert_eq!(got[1].0, "/row_data/alternative_layers/0/tile_layer_url");
        assert_eq!(got[1].2.as_deref(), Some("https://t.example/sat/12/919/1823.jpg"));
        assert_eq!(found(geo, false)[0].2, None, "the signed-URL rule reads the template as written");
        let simple = r#"{"row_data":{"tile_layer_url":"https://t.example/{z}/{x}/{y}.png","bounds":[[0,0],[1000,1000]],"epsg":"Simple"}}"#;
        assert_eq!(found(simple, true)[0].2.as_deref(), Some("https://t.example/0/0/0.png"));
        let tif = r#"{"media_type":"TMS_GEO","row_data":{"tile_layer_url":"https://t.example/scene.tif","bounds":[[1,1],[2,2]],"epsg":"EPSG4326"}}"#;
        assert_eq!(found(tif, true)[0].3, Expect::GeoTiff);
        let sub = r#"{"media_type":"TMS_GEO","row_data":{"tile_layer_url":"https://{s}.t.example/{z}/{x}/{y}.png","bounds":[[1,1],[2,2]],"epsg":"EPSG4326"}}"#;
        assert_eq!(found(sub, true), vec![], "a placeholder it cannot fill: nothing to request");
    }

    #[test]
    fn origins() {
        assert_eq!(origin_of("https://User@H.Example:443/a?b").as_deref(), Some("https://h.example"));
        assert_eq!(origin_of("http://127.0.0.1:8080/x").as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(origin_of("gs://b/k"), None);
        assert_eq!(origin_of("https:///x"), None);
    }

    fn plan(rows: &[(&str, Expect)]) -> Plan {
        let mut plan = Plan::default();
        for (i, (url, expect)) in rows.iter().enumerate() {
            let asset = Asset { pointer: "/row_data".into(), offset: 0, url: Cow::Borrowed(url), request: None, expect: *expect };
            plan.add(i as u64, (0, 0), i as u64 + 1, 2, asset);
        }
        plan
    }

    fn judged(expect: Expect, answer: Answer) -> Vec<(Code, Severity)> {
        let mut prober = Prober::new(plan(&[("https://h.example/a", expect)]), Report::new(false), Options::default());
        let answer = Answer { method: Some(Method::Get), ..answer };
        assert_eq!(prober.answer(0, &answer), Ok(Next::Done));
        prober.findings().iter().map(|d| (d.code, d.severity)).collect()
    }

    fn ok(content_type: &str) -> Answer {
        Answer { status: Some(200), content_type: Some(content_type.into()), allow_origin: Some("*".into()), ..Answer::default() }
    }

    #[test]
    fn statuses() {
        let status = |s| Answer { status: Some(s), allow_origin: Some("*".into()), ..Answer::default() };
        assert_eq!(judged(Expect::Image, status(403)), vec![(Code::ASSET_FORBIDDEN, Severity::Error)]);
        assert_eq!(judged(Expect::Image, status(401)), vec![(Code::ASSET_FORBIDDEN, Severity::Error)]);
        assert_eq!(judged(Expect::Image, status(410)), vec![(Code::ASSET_NOT_FOUND, Severity::Error)]);
        assert_eq!(judged(Expect::Image, status(400)), vec![(Code::ASSET_HTTP_ERROR, Severity::Error)]);
        assert_eq!(judged(Expect::Image, status(503)), vec![(Code::ASSET_HTTP_ERROR, Severity::Warning)]);
        assert_eq!(judged(Expect::Image, status(429)), vec![(Code::ASSET_HTTP_ERROR, Severity::Warning)]);
        let mut prober = Prober::new(plan(&[("https://h.example/a", Expect::Image)]), Report::new(false), Options::default());
        let limited = Answer { method: Some(Method::Get), status: Some(429), retry_after: Some("3600".into()), attempts: 1, ..Answer::default() };
        prober.answer(0, &limited).unwrap();
        assert!(prober.findings()[0].message.contains(r#"(Retry-After: "3600")"#), "{}", prober.findings()[0].message);
        assert_eq!(judged(Expect::Image, status(302)), vec![(Code::ASSET_REDIRECT, Severity::Warning)]);
        assert_eq!(judged(Expect::Tile, status(404)), vec![(Code::ASSET_NOT_FOUND, Severity::Error)], "a tile template as written");
        let failed = |f| Answer { failure: Some(f), ..Answer::default() };
        for f in [Failure::Timeout, Failure::Dns, Failure::Refused, Failure::Reset, Failure::Tls, Failure::Network] {
            assert_eq!(judged(Expect::Image, failed(f)), vec![(Code::ASSET_UNREACHABLE, Severity::Error)], "{f:?}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(judged(Expect::Image, ok("image/jpeg")), vec![]);
        assert_eq!(judged(Expect::Image, ok("Text/HTML; charset=utf-8")), vec![(Code::ASSET_CONTENT_TYPE, Severity::Error)]);
        assert_eq!(judged(Expect::Image, ok("video/mp4")), vec![(Code::ASSET_CONTENT_TYPE, Severity::Warning)]);
        assert_eq!(judged(Expect::Image, ok("binary/octet-stream")), vec![]);
        assert_eq!(judged(Expect::Html, ok("text/html")), vec![]);
        assert_eq!(judged(Expect::Text, ok("text/plain")), vec![]);
        assert_eq!(judged(Expect::Text, ok("text/html")), vec![(Code::ASSET_CONTENT_TYPE, Severity::Error)]);
        assert_eq!(judged(Expect::Pdf { text_layer: true }, ok("application/pdf")), vec![]);
        assert_eq!(judged(Expect::TextLayer, ok("application/json")), vec![]);
        assert_eq!(judged(Expect::Audio, ok("audio/mpeg")), vec![]);
        assert_eq!(judged(Expect::GeoTiff, ok("image/tiff; application=geotiff")), vec![]);
        assert_eq!(judged(Expect::Unknown, ok("text/html")), vec![]);
    }

    #[test]
    fn sizes_over_the_published_limits() {
        let sized = |ct: &str, len: u64| Answer { content_length: Some(len), ..ok(ct) };
        assert_eq!(judged(Expect::Video, sized("video/mp4", MAX_VIDEO_BYTES)), vec![]);
        assert_eq!(judged(Expect::Video, sized("video/mp4", MAX_VIDEO_BYTES + 1)), vec![(Code::ASSET_TOO_LARGE, Severity::Error)]);
        let ranged = Answer {
            status: Some(206),
            content_length: Some(1024),
            content_range: Some(format!("bytes 0-1023/{}", MAX_VIDEO_BYTES * 2)),
            ..ok("video/mp4")
        };
        assert_eq!(judged(Expect::Video, ranged), vec![(Code::ASSET_TOO_LARGE, Severity::Error)]);
        assert_eq!(judged(Expect::Pdf { text_layer: false }, sized("application/pdf", 30 << 20)), vec![(Code::ASSET_TOO_LARGE, Severity::Warning)]);
        assert_eq!(judged(Expect::Pdf { text_layer: true }, sized("application/pdf", 30 << 20)), vec![]);
    }

    #[test]
    fn cors_and_redirects() {
        let no_cors = Answer { allow_origin: None, ..ok("image/png") };
        assert_eq!(judged(Expect::Image, no_cors.clone()), vec![(Code::ASSET_CORS, Severity::Warning)]);
        assert_eq!(
            judged(Expect::Html, Answer { content_type: Some("text/html".into()), ..no_cors }),
            vec![],
            "an HTML attachment is framed, not read"
        );
        let exact = Answer { allow_origin: Some("https://APP.labelbox.com".into()), ..ok("image/png") };
        assert_eq!(judged(Expect::Image, exact), vec![]);
        let other = Answer { allow_origin: Some("https://other.example".into()), ..ok("image/png") };
        assert_eq!(judged(Expect::Image, other), vec![(Code::ASSET_CORS, Severity::Warning)]);
        let moved = Answer { final_url: Some("https://login.example/sso".into()), ..ok("text/html") };
        assert_eq!(judged(Expect::Image, moved), vec![(Code::ASSET_REDIRECT, Severity::Warning), (Code::ASSET_CONTENT_TYPE, Severity::Error)]);
        let same_host = Answer { final_url: Some("https://h.example/b".into()), ..ok("image/png") };
        assert_eq!(judged(Expect::Image, same_host), vec![]);
    }

    #[test]
    fn head_falls_back_to_get_where_it_does_not_tell() {
        let mut prober = Prober::new(plan(&[("https://h.example/a", Expect::Image)]), Report::new(false), Options::default());
        let head = |status, acao: Option<&str>| Answer {
            method: Some(Method::Head),
            status: Some(status),
            allow_origin: acao.map(str::to_string),
            ..Answer::default()
        };
        for status in [403, 405, 400, 501] {
            assert_eq!(prober.answer(0, &head(status, Some("*"))), Ok(Next::Get), "{status}");
        }
        assert_eq!(prober.answer(0, &head(200, None)), Ok(Next::Get), "a CORS rule may allow GET only");
        assert_eq!(prober.answer(0, &head(404, Some("*"))), Ok(Next::Done));
        assert!(prober.answer(0, &head(200, Some("*"))).is_err(), "answered twice");
        assert!(prober.answer(7, &head(200, Some("*"))).is_err());
        let browser = Options { browser: true, ..Options::default() };
        let mut prober = Prober::new(plan(&[("https://h.example/a", Expect::Image)]), Report::new(false), browser);
        let cors = Answer { method: Some(Method::Head), failure: Some(Failure::Cors), ..Answer::default() };
        assert_eq!(prober.answer(0, &cors), Ok(Next::Get));
        assert_eq!(prober.answer(0, &Answer { method: Some(Method::Get), ..cors }), Ok(Next::Done));
        assert_eq!(prober.findings()[0].code, Code::ASSET_CORS);
    }

    #[test]
    fn urls_are_requested_once_and_judged_for_every_row() {
        let p = plan(&[
            ("https://a.example/1", Expect::Image),
            ("https://b.example/2", Expect::Image),
            ("https://a.example/1", Expect::Video),
            ("gs://b/x.jpg", Expect::Image),
        ]);
        let mut prober = Prober::new(p, Report::new(true), Options::default());
        assert_eq!(prober.targets().map(|(id, url, _)| (id, url)).collect::<Vec<_>>(), vec![(0, "https://a.example/1"), (1, "https://b.example/2")]);
        assert_eq!(prober.hosts(), vec![("https://a.example", 1), ("https://b.example", 1)]);
        prober.answer(0, &Answer { method: Some(Method::Get), status: Some(404), ..Answer::default() }).unwrap();
        let report = prober.report(false);
        let rows: Vec<(Option<u64>, Code)> = report.diagnostics.iter().map(|d| (d.row, d.code)).collect();
        assert_eq!(rows, vec![(Some(0), Code::ASSET_NOT_FOUND), (Some(2), Code::ASSET_NOT_FOUND), (Some(3), Code::ASSET_NOT_PROBED)]);
        assert_eq!(report.summary.errors, 2);
        assert_eq!(prober.errors(), 2);
        let infos: Vec<(Code, u64, &[u64])> = report.summary.infos.iter().map(|i| (i.code, i.rows, &i.first_rows[..])).collect();
        assert_eq!(infos, vec![(Code::ASSET_NOT_PROBED, 1, &[3][..])]);
        let summary = report.probe.unwrap();
        assert_eq!((summary.urls, summary.requested, summary.probed, summary.not_probed), (2, 2, 1, 1));
    }

    #[test]
    fn samples_are_reproducible_and_in_order() {
        let mut a: Vec<u32> = (0..1000).collect();
        let mut b = a.clone();
        sample(&mut a, 10, 42);
        sample(&mut b, 10, 42);
        assert_eq!(a, b);
        assert_eq!(a.len(), 10);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        let mut c: Vec<u32> = (0..1000).collect();
        sample(&mut c, 10, 43);
        assert_ne!(a, c);
    }

    #[test]
    fn a_broken_manifest_probes_nothing() {
        let mut check = Report::new(false);
        check.add(Diagnostic {
            code: Code::FILE_SYNTAX,
            severity: Severity::Error,
            row: None,
            pointer: String::new(),
            line: 3,
            column: 1,
            offset: 40,
            length: 0,
            message: "m".into(),
            suggestion: None,
        });
        let prober = Prober::new(plan(&[("https://a.example/1", Expect::Image)]), check, Options::default());
        assert_eq!(prober.total(), 0);
        assert!(prober.refused().is_some());
    }
}
