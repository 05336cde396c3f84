//! Tiled imagery: TMS_GEO and TMS_SIMPLE row_data, and the legacy rows
//! that carry the same keys at the top level.
//!
//! A layer is either a slippy map (a `tile_layer_url` template with `{z}`,
//! `{x}` and `{y}`, which needs `bounds` and `epsg`) or a GeoTIFF / COG /
//! NITF file, whose bounds, zooms and projection the platform reads from
//! the file. Alternative layers take the same optional keys as the top
//! level and inherit the top level's values for the ones they leave out.

use std::borrow::Cow;

use super::MediaType;
use crate::json::{Kind, Raw, Str};
use crate::report::{Code, Edit, Findings, pointer_segment, quote};
use crate::row::{fields, objects};
use crate::url;

pub const KEYS: [(&str, Option<&str>); 9] = [
    ("tile_layer_url", Some("tileLayerUrl")),
    ("bounds", None),
    ("min_zoom", Some("minZoom")),
    ("max_zoom", Some("maxZoom")),
    ("max_native_zoom", Some("maxNativeZoom")),
    ("tile_size", Some("tileSize")),
    ("epsg", None),
    ("version", None),
    ("alternative_layers", Some("alternativeLayers")),
];

pub const LAYER_KEYS: [(&str, Option<&str>); 9] = [
    ("tile_layer_url", Some("tileLayerUrl")),
    ("name", None),
    ("bounds", None),
    ("min_zoom", Some("minZoom")),
    ("max_zoom", Some("maxZoom")),
    ("max_native_zoom", Some("maxNativeZoom")),
    ("tile_size", Some("tileSize")),
    ("epsg", None),
    ("version", None),
];

/// The projections the geospatial import pages list; the first three are
/// EPSG systems, whose bounds are latitude/longitude degrees.
const EPSG: [&str; 4] = ["EPSG4326", "EPSG3857", "EPSG3395", "Simple"];
const SIMPLE: &str = "Simple";
/// Extensions of the georeferenced files the platform tiles itself.
const FILE_EXTENSIONS: [&str; 4] = ["tif", "tiff", "ntf", "nitf"];
/// Few tile servers serve deeper levels; deeper is allowed but suspicious.
const DEEPEST_USUAL_ZOOM: f64 = 24.0;

/// The key the legacy top-level shape is recognized by (the SDK forwards
/// a row holding it unchanged).
pub const LEGACY_KEY: &str = "tileLayerUrl";

/// Is `key` one of the tile keys, in either spelling?
pub fn is_key(key: &str) -> bool {
    slot(key).is_some()
}

fn slot(key: &str) -> Option<usize> {
    KEYS.iter().position(|(canonical, alias)| *canonical == key || *alias == Some(key))
}

/// The epsg of a row_data object is "Simple" (so TMS_SIMPLE is inferred).
pub fn is_simple(data: Raw<'_>) -> crate::json::Result<bool> {
    let mut simple = false;
    data.cursor().object(|c, key| {
        let value = c.value()?;
        simple |= key.value() == "epsg" && is_simple_value(value);
        Ok(())
    })?;
    Ok(simple)
}

/// The same question for a legacy row's top-level tile keys.
pub fn is_simple_legacy(tiles: &[(Str<'_>, Raw<'_>)]) -> bool {
    tiles.iter().any(|(k, v)| k.value() == "epsg" && is_simple_value(*v))
}

fn is_simple_value(value: Raw<'_>) -> bool {
    value.as_str().is_some_and(|s| s.value() == SIMPLE)
}

/// Where a key of the layer being checked is, by its canonical name.
type At<'p> = &'p dyn Fn(&str) -> String;

pub fn check(data: Raw<'_>, media: MediaType, findings: &mut Findings) -> crate::json::Result<()> {
    let values = fields(data, KEYS, &"/row_data", Code::ROW_UNKNOWN_FIELD, findings)?;
    check_top(values, media, &|name| format!("/row_data/{name}"), "/row_data/alternative_layers", data.offset, findings)
}

/// A legacy row: the tile keys sit beside the row's own fields.
pub fn check_legacy(tiles: &[(Str<'_>, Raw<'_>)], offset: u32, media: MediaType, findings: &mut Findings) -> crate::json::Result<()> {
    let mut values = [None; 9];
    let mut seen = [false; 9];
    for (key, value) in tiles {
        let i = slot(&key.value()).expect("only tile keys are collected");
        if seen[i] {
            findings.error(
                Code::ROW_DUPLICATE_FIELD,
                format!("/{}", pointer_segment(&key.value())),
                key.offset,
                format!("\"{}\" is given twice in this row; keep one", KEYS[i].0),
            );
            continue;
        }
        seen[i] = true;
        if !value.is_null() {
            values[i] = Some(*value);
        }
    }
    // Pointers name each key as the row spells it.
    let at = |name: &str| {
        let written = tiles.iter().map(|(k, _)| k.value()).find(|k| slot(k).is_some_and(|i| KEYS[i].0 == name));
        format!("/{}", pointer_segment(&written.unwrap_or(Cow::Borrowed(name))))
    };
    let layers = if tiles.iter().any(|(k, _)| k.value() == "alternative_layers") { "/alternative_layers" } else { "/alternativeLayers" };
    check_top(values, media, &at, layers, offset, findings)
}

fn check_top(
    values: [Option<Raw<'_>>; 9],
    media: MediaType,
    at: At<'_>,
    layers_at: &'static str,
    offset: u32,
    findings: &mut Findings,
) -> crate::json::Result<()> {
    let [url, bounds, min_zoom, max_zoom, native_zoom, tile_size, epsg, version, layers] = values;
    let own = Settings { url, bounds, min_zoom, max_zoom, native_zoom, tile_size, epsg, version };
    let top = check_layer(&own, None, media, at, offset, findings)?;
    if let Some(layers) = layers {
        check_alternatives(layers, &top, media, layers_at, findings)?;
    }
    Ok(())
}

/// The keys one layer sets itself.
struct Settings<'a> {
    url: Option<Raw<'a>>,
    bounds: Option<Raw<'a>>,
    min_zoom: Option<Raw<'a>>,
    max_zoom: Option<Raw<'a>>,
    native_zoom: Option<Raw<'a>>,
    tile_size: Option<Raw<'a>>,
    epsg: Option<Raw<'a>>,
    version: Option<Raw<'a>>,
}

/// What a layer resolved to: its own values, or else the top level's. An
/// invalid value (already reported) counts as absent.
#[derive(Clone, Copy, Default)]
struct Effective {
    /// A tile template rather than a file the platform tiles itself.
    template: bool,
    gives_epsg: bool,
    gives_bounds: bool,
    epsg: Option<&'static str>,
    /// Bounds are [lat, lng] (version 1), not [lng, lat] (version 2).
    lat_first: Option<bool>,
    corners: Option<[(f64, f64); 2]>,
    min_zoom: Option<f64>,
    max_zoom: Option<f64>,
}

fn check_layer(
    own: &Settings<'_>,
    top: Option<&Effective>,
    media: MediaType,
    at: At<'_>,
    offset: u32,
    findings: &mut Findings,
) -> crate::json::Result<Effective> {
    let inherited = top.copied().unwrap_or_default();
    let template = match own.url {
        Some(raw) => check_source(raw, &at("tile_layer_url"), findings),
        None => {
            let what = if top.is_some() { "an alternative layer" } else { "tiled row_data" };
            findings.error(
                Code::TMS_TILE_TEMPLATE,
                at("tile_layer_url"),
                offset,
                format!("{what} needs \"tile_layer_url\": a tile URL template with {{z}}, {{x}} and {{y}}, or a GeoTIFF / NITF file URL"),
            );
            true
        }
    };
    let own_epsg = own.epsg.and_then(|raw| check_epsg(raw, media, &at("epsg"), findings));
    let own_version = own.version.and_then(|raw| check_version(raw, &at("version"), findings));
    let own_corners = match own.bounds {
        Some(raw) => check_corners(raw, &at("bounds"), findings)?,
        None => None,
    };
    let gives_epsg = own.epsg.is_some() || inherited.gives_epsg;
    let gives_bounds = own.bounds.is_some() || inherited.gives_bounds;
    // A slippy map cannot be placed without them; a file carries its own.
    // A layer under a template top level shares the top level's finding.
    if template && !inherited.template {
        let nor_top = if top.is_some() { ", and neither this alternative layer nor the top level gives it" } else { "" };
        if !gives_epsg {
            let hint = if media == MediaType::TmsSimple { "\"Simple\"" } else { "EPSG4326, EPSG3857, EPSG3395 or Simple" };
            findings.error(Code::TMS_EPSG, at("epsg"), offset, format!("a tile template needs \"epsg\" ({hint}){nor_top}"));
        }
        if !gives_bounds {
            findings.error(Code::TMS_BOUNDS, at("bounds"), offset, format!("a tile template needs \"bounds\": [[a, b], [c, d]]{nor_top}"));
        }
    }
    let epsg = own_epsg.or(inherited.epsg);
    let lat_first = own_version.or(inherited.lat_first);
    let corners = own_corners.or(inherited.corners);
    if let (Some(corners), Some(epsg)) = (corners, epsg) {
        let pointer = [("bounds", own.bounds), ("epsg", own.epsg), ("version", own.version)].into_iter().find(|(_, raw)| raw.is_some());
        if let (Some((name, Some(raw))), false) = (pointer, epsg == SIMPLE) {
            let inherits = top.is_some() && (own.bounds.is_none() || own.epsg.is_none() || own.version.is_none());
            check_range(corners, epsg, lat_first.unwrap_or(true), inherits, &at(name), raw.offset, findings);
        }
    }
    let min_zoom = own.min_zoom.and_then(|raw| zoom(raw, "min_zoom", &at("min_zoom"), findings));
    let max_zoom = own.max_zoom.and_then(|raw| zoom(raw, "max_zoom", &at("max_zoom"), findings));
    if let Some(raw) = own.native_zoom {
        zoom(raw, "max_native_zoom", &at("max_native_zoom"), findings);
    }
    let (lo, hi) = (min_zoom.or(inherited.min_zoom), max_zoom.or(inherited.max_zoom));
    let given = own.max_zoom.map(|raw| ("max_zoom", raw)).or(own.min_zoom.map(|raw| ("min_zoom", raw)));
    if let (Some(lo), Some(hi), Some((name, raw))) = (lo, hi, given) {
        if lo > hi {
            findings.error(Code::TMS_ZOOM, at(name), raw.offset, format!("max_zoom {hi} is below min_zoom {lo}; swap them"));
        }
    }
    if let Some(raw) = own.tile_size {
        if !super::whole_number(raw).is_some_and(|n| n > 0.0) {
            findings.error(
                Code::TMS_ZOOM,
                at("tile_size"),
                raw.offset,
                format!("tile_size {} is not a positive integer (the default is 256)", quote(&shown(raw))),
            );
        }
    }
    Ok(Effective { template, gives_epsg, gives_bounds, epsg, lat_first, corners, min_zoom: lo, max_zoom: hi })
}

/// Check `tile_layer_url`; `true` when it is a tile template (not a file).
fn check_source(raw: Raw<'_>, pointer: &str, findings: &mut Findings) -> bool {
    let Some(token) = raw.as_str() else {
        findings.error(
            Code::TMS_TILE_TEMPLATE,
            pointer,
            raw.offset,
            format!("tile_layer_url must be a URL string, not {}", raw.kind.name()),
        );
        return true;
    };
    let value = token.value();
    url::check(&value, &|| pointer.to_string(), raw.offset, findings);
    if is_file(&value) {
        return false;
    }
    check_template(&value, pointer, raw.offset, findings);
    true
}

/// A GeoTIFF, Cloud-Optimized GeoTIFF or NITF file, tiled by the platform.
fn is_file(value: &str) -> bool {
    url::extension(value).is_some_and(|ext| FILE_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

fn check_template(value: &str, pointer: &str, offset: u32, findings: &mut Findings) {
    let missing: Vec<&str> = ["{z}", "{x}", "{y}"].into_iter().filter(|p| !value.contains(p)).collect();
    if !missing.is_empty() {
        findings.error(
            Code::TMS_TILE_TEMPLATE,
            pointer,
            offset,
            format!(
                "tile_layer_url {} lacks the {} {}; a slippy map URL needs {{z}}, {{x}} and {{y}}, a GeoTIFF / NITF file URL ends in .tif, .tiff, .ntf or .nitf",
                quote(value),
                if missing.len() == 1 { "placeholder" } else { "placeholders" },
                missing.join(", ")
            ),
        );
    }
}

fn check_epsg(raw: Raw<'_>, media: MediaType, pointer: &str, findings: &mut Findings) -> Option<&'static str> {
    let value = raw.as_str().map(|s| s.value());
    let known = value.as_deref().and_then(|v| EPSG.into_iter().find(|e| *e == v));
    match known {
        Some(epsg) => {
            if media == MediaType::TmsSimple && epsg != SIMPLE {
                findings.warning(
                    Code::TMS_EPSG,
                    pointer,
                    raw.offset,
                    format!("epsg \"{epsg}\" is a geographic system under media_type TMS_SIMPLE; use TMS_GEO for it, or epsg \"Simple\" for a plain tiled image"),
                );
            }
            Some(epsg)
        }
        None => {
            findings.error(
                Code::TMS_EPSG,
                pointer,
                raw.offset,
                format!("epsg {} is not one of EPSG4326, EPSG3857, EPSG3395, Simple", quote(&shown(raw))),
            );
            if let Some(near) = value.as_deref().and_then(near_epsg) {
                findings.fix(Edit::string(raw.offset, near));
            }
            None
        }
    }
}

/// The listed spelling of `EPSG:4326`, `epsg4326`, the SDK's `SIMPLEPIXEL`….
fn near_epsg(value: &str) -> Option<&'static str> {
    let squashed: String = value.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if squashed.eq_ignore_ascii_case("SIMPLEPIXEL") {
        return Some(SIMPLE);
    }
    EPSG.into_iter().find(|e| e.eq_ignore_ascii_case(&squashed))
}

/// `Some(true)` for version 1 ([lat, lng]), `Some(false)` for 2.
fn check_version(raw: Raw<'_>, pointer: &str, findings: &mut Findings) -> Option<bool> {
    match raw.as_f64() {
        Some(1.0) => Some(true),
        Some(2.0) => Some(false),
        _ => {
            findings.error(
                Code::TMS_BOUNDS,
                pointer,
                raw.offset,
                format!("version {} is not 1 ([lat, lng] bounds) or 2 ([lng, lat] bounds)", quote(&shown(raw))),
            );
            None
        }
    }
}

fn check_corners(raw: Raw<'_>, pointer: &str, findings: &mut Findings) -> crate::json::Result<Option<[(f64, f64); 2]>> {
    let mut corners = Vec::with_capacity(2);
    if raw.kind == Kind::Array {
        for corner in raw.elements()? {
            let point = if corner.kind == Kind::Array { corner.elements()? } else { Vec::new() };
            let numbers: Vec<f64> = point.iter().filter_map(|n| n.as_f64()).filter(|n| n.is_finite()).collect();
            if numbers.len() != 2 || point.len() != 2 {
                corners.clear();
                break;
            }
            corners.push((numbers[0], numbers[1]));
        }
    }
    let [(a, b), (c, d)] = corners[..] else {
        findings.error(Code::TMS_BOUNDS, pointer, raw.offset, "bounds must be two corner points [[a, b], [c, d]] of numbers".into());
        return Ok(None);
    };
    if a == c || b == d {
        findings.error(Code::TMS_BOUNDS, pointer, raw.offset, "the two bounds corners must differ on both axes".into());
    }
    Ok(Some([(a, b), (c, d)]))
}

fn check_range(
    [(a, b), (c, d)]: [(f64, f64); 2],
    epsg: &str,
    lat_first: bool,
    inherits: bool,
    pointer: &str,
    offset: u32,
    findings: &mut Findings,
) {
    let (lat, lng) = if lat_first { ([a, c], [b, d]) } else { ([b, d], [a, c]) };
    if lat.iter().all(|v| (-90.0..=90.0).contains(v)) && lng.iter().all(|v| (-180.0..=180.0).contains(v)) {
        return;
    }
    let order = if lat_first { "[lat, lng] (version 1, the default)" } else { "[lng, lat] (version 2)" };
    let whose = if inherits { ", this alternative layer taking the missing ones from the top level" } else { "" };
    findings.error(
        Code::TMS_BOUNDS,
        pointer,
        offset,
        format!("{epsg} bounds are degrees read as {order}{whose}: latitude must be within [-90, 90] and longitude within [-180, 180]"),
    );
}

/// A value as the message quotes it: a string decoded, anything else as written.
fn shown<'a>(raw: Raw<'a>) -> Cow<'a, str> {
    raw.as_str().map_or(Cow::Borrowed(raw.text), |s| s.value())
}

/// A zoom level; `None` when it is not a number of at least 0 (reported).
fn zoom(raw: Raw<'_>, name: &str, pointer: &str, findings: &mut Findings) -> Option<f64> {
    let Some(z) = raw.as_f64().filter(|z| z.is_finite() && *z >= 0.0) else {
        findings.error(Code::TMS_ZOOM, pointer, raw.offset, format!("{name} {} is not a non-negative integer", quote(&shown(raw))));
        return None;
    };
    if z.fract() != 0.0 {
        findings.warning(
            Code::TMS_ZOOM,
            pointer,
            raw.offset,
            format!("{name} {z} is not a whole number; the import page gives zoom levels as integers"),
        );
    }
    if z > DEEPEST_USUAL_ZOOM {
        findings.warning(
            Code::TMS_ZOOM,
            pointer,
            raw.offset,
            format!("{name} {z} is deeper than {DEEPEST_USUAL_ZOOM}; few tile servers go that deep"),
        );
    }
    Some(z)
}

fn check_alternatives(
    layers: Raw<'_>,
    top: &Effective,
    media: MediaType,
    pointer: &'static str,
    findings: &mut Findings,
) -> crate::json::Result<()> {
    if layers.kind != Kind::Array {
        findings.error(
            Code::ROW_FIELD_TYPE,
            pointer,
            layers.offset,
            format!("alternative_layers must be an array of {{tile_layer_url, name}}, not {}", layers.kind.name()),
        );
        return Ok(());
    }
    let not_object = (Code::ROW_FIELD_TYPE, "a layer must be an object {tile_layer_url, name}");
    objects(layers, pointer, LAYER_KEYS, not_object, findings, |item, layer, values, findings| {
        let [url, name, bounds, min_zoom, max_zoom, native_zoom, tile_size, epsg, version] = values;
        if !name.is_some_and(|n| n.kind == Kind::String) {
            let offset = name.map_or(layer.offset, |n| n.offset);
            findings.error(Code::ROW_FIELD_TYPE, format!("{item}/name"), offset, "an alternative layer needs a \"name\" string".into());
        }
        let own = Settings { url, bounds, min_zoom, max_zoom, native_zoom, tile_size, epsg, version };
        check_layer(&own, Some(top), media, &|key| format!("{item}/{key}"), layer.offset, findings)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use crate::report::Code;

    fn tms(body: &str) -> Vec<(Code, String)> {
        run(&format!(r#"{{"media_type":"TMS_GEO","row_data":{{{body}}}}}"#)).1
    }

    const OK: &str = r#""tile_layer_url":"https://t.example/{z}/{x}/{y}.png","bounds":[[19.4,-99.2],[19.3,-99.1]],"min_zoom":12,"max_zoom":20,"epsg":"EPSG4326""#;

    fn swap(from: &str, to: &str) -> Vec<(Code, String)> {
        assert!(OK.contains(from), "{from}");
        tms(&OK.replace(from, to))
    }

    fn one(code: Code, pointer: &str) -> Vec<(Code, String)> {
        vec![(code, pointer.to_string())]
    }

    #[test]
    fn a_valid_layer_passes() {
        assert_eq!(tms(OK), vec![]);
        assert_eq!(
            tms(&format!(r#"{OK},"alternativeLayers":[{{"tileLayerUrl":"https://t.example/{{z}}/{{x}}/{{y}}","name":"Sat"}}]"#)),
            vec![]
        );
        assert_eq!(tms(&format!(r#"{OK},"alternative_layers":[]"#)), vec![]);
    }

    #[test]
    fn zooms_are_optional_and_checked_when_given() {
        assert_eq!(swap(r#","min_zoom":12,"max_zoom":20"#, ""), vec![]);
        assert_eq!(swap(r#""min_zoom":12"#, r#""min_zoom":-1"#), one(Code::TMS_ZOOM, "/row_data/min_zoom"));
        assert_eq!(swap(r#""min_zoom":12"#, r#""min_zoom":"12""#), one(Code::TMS_ZOOM, "/row_data/min_zoom"));
        assert_eq!(swap(r#""min_zoom":12"#, r#""min_zoom":21"#), one(Code::TMS_ZOOM, "/row_data/max_zoom"));
        // Fractional and very deep zooms warn.
        assert_eq!(swap(r#""max_zoom":20"#, r#""max_zoom":20.5"#), one(Code::TMS_ZOOM, "/row_data/max_zoom"));
        assert_eq!(swap(r#""max_zoom":20"#, r#""max_zoom":25"#), one(Code::TMS_ZOOM, "/row_data/max_zoom"));
        assert_eq!(swap(r#""max_zoom":20"#, r#""max_zoom":20,"max_native_zoom":-2"#), one(Code::TMS_ZOOM, "/row_data/max_native_zoom"));
        assert_eq!(swap(r#""max_zoom":20"#, r#""max_zoom":20,"tile_size":0"#), one(Code::TMS_ZOOM, "/row_data/tile_size"));
    }

    #[test]
    fn severities() {
        let run = |body: &str| {
            let mut f = crate::report::Findings::default();
            let text = format!(r#"{{"media_type":"TMS_GEO","row_data":{{{body}}}}}"#);
            let row = crate::row::parse(&text, true, &mut f).unwrap().unwrap();
            super::super::check(&row, &mut super::super::Scratch::default(), &mut f).unwrap();
            f.has_errors()
        };
        assert!(!run(&OK.replace(r#""max_zoom":20"#, r#""max_zoom":20.5"#)));
        assert!(run(&OK.replace(r#""max_zoom":20"#, r#""max_zoom":-20"#)));
    }

    #[test]
    fn projections_and_bounds() {
        assert_eq!(swap("{y}", "{q}"), one(Code::TMS_TILE_TEMPLATE, "/row_data/tile_layer_url"));
        assert_eq!(swap("[19.3,-99.1]", "[19.4,-99.1]"), one(Code::TMS_BOUNDS, "/row_data/bounds"));
        assert_eq!(swap("[19.3,-99.1]", "[19.3,-199.1]"), one(Code::TMS_BOUNDS, "/row_data/bounds"));
        assert_eq!(swap("[19.3,-99.1]", "[19.3]"), one(Code::TMS_BOUNDS, "/row_data/bounds"));
        assert_eq!(swap(r#""EPSG4326""#, r#""EPSG4326","version":2"#), one(Code::TMS_BOUNDS, "/row_data/bounds"));
        assert_eq!(swap(r#""EPSG4326""#, r#""EPSG4326","version":3"#), one(Code::TMS_BOUNDS, "/row_data/version"));
        // Every EPSG system's bounds are degrees; Simple's are not range-checked.
        assert_eq!(swap(r#""EPSG4326""#, r#""EPSG3857""#), vec![]);
        assert_eq!(swap("[19.3,-99.1]", "[2209000,-11043000]").len(), 1);
        assert_eq!(tms(&OK.replace("[19.3,-99.1]", "[2209000,-11043000]").replace("EPSG4326", "Simple")), vec![]);
        assert_eq!(swap(r#""EPSG4326""#, r#""EPSG1""#), one(Code::TMS_EPSG, "/row_data/epsg"));
        assert_eq!(swap(r#","epsg":"EPSG4326""#, ""), one(Code::TMS_EPSG, "/row_data/epsg"));
        assert_eq!(swap(r#""bounds":[[19.4,-99.2],[19.3,-99.1]],"#, ""), one(Code::TMS_BOUNDS, "/row_data/bounds"));
    }

    #[test]
    fn simple_is_taken_under_either_media_type() {
        let simple = r#""tile_layer_url":"https://t.example/{z}/{x}/{y}.png","bounds":[[0,0],[10,10]],"epsg":"Simple""#;
        assert_eq!(tms(simple), vec![]);
        let under_simple =
            |epsg: &str| run(&format!(r#"{{"media_type":"TMS_SIMPLE","row_data":{{{}}}}}"#, simple.replace("Simple", epsg))).1;
        assert_eq!(under_simple("Simple"), vec![]);
        assert_eq!(under_simple("EPSG3857"), one(Code::TMS_EPSG, "/row_data/epsg"));
        let (resolved, codes) = run(&format!(r#"{{"row_data":{{{simple}}}}}"#));
        assert_eq!(resolved.media, Some(super::MediaType::TmsSimple));
        assert_eq!(codes, one(Code::MEDIA_TYPE_INFERRED, "/row_data"));
    }

    #[test]
    fn legacy_rows_are_checked_as_their_row_data() {
        let legacy = |extra: &str| {
            run(&format!(
                r#"{{"tileLayerUrl":"https://t.example/{{z}}/{{x}}/{{y}}.png","bounds":[[19.4,-99.2],[19.3,-99.1]],"epsg":"EPSG4326"{extra}}}"#
            ))
        };
        let (resolved, codes) = legacy("");
        assert_eq!(resolved.media, Some(super::MediaType::TmsGeo));
        assert_eq!(codes, vec![(Code::ROW_LEGACY_SHAPE, "/tileLayerUrl".into()), (Code::MEDIA_TYPE_INFERRED, "".into())]);
        assert_eq!(
            legacy(r#","media_type":"TMS_GEO","minZoom":30,"maxZoom":2"#).1[1..],
            [(Code::TMS_ZOOM, "/minZoom".into()), (Code::TMS_ZOOM, "/maxZoom".into()),]
        );
        assert_eq!(legacy(r#","media_type":"IMAGE""#).1[1..], [(Code::MEDIA_TYPE_MISMATCH, "/media_type".into())]);
        assert_eq!(legacy(r#","min_zoom":1,"minZoom":2,"media_type":"TMS_GEO""#).1[1..], [(Code::ROW_DUPLICATE_FIELD, "/minZoom".into())]);
        let simple = run(r#"{"tileLayerUrl":"https://t.example/{z}/{x}/{y}.png","bounds":[[0,0],[128,135]],"epsg":"Simple","version":2}"#);
        assert_eq!(simple.0.media, Some(super::MediaType::TmsSimple));
    }

    #[test]
    fn near_spellings_of_epsg_are_suggested() {
        assert_eq!(super::near_epsg("EPSG:4326"), Some("EPSG4326"));
        assert_eq!(super::near_epsg("epsg_3857"), Some("EPSG3857"));
        assert_eq!(super::near_epsg("SIMPLEPIXEL"), Some("Simple"));
        assert_eq!(super::near_epsg("EPSG9999"), None);
    }

    #[test]
    fn a_file_source_needs_no_template_bounds_or_epsg() {
        for url in ["https://h.example/a.tif", "https://h.example/b.TIFF?sig=1", "gs://bucket/c.ntf", "https://h.example/d.nitf"] {
            assert_eq!(tms(&format!(r#""tile_layer_url":"{url}""#)), vec![], "{url}");
        }
        assert_eq!(tms(r#""tileLayerUrl":"https://h.example/a.tif","bounds":[[1,2],[1,3]]"#), one(Code::TMS_BOUNDS, "/row_data/bounds"));
        assert_eq!(tms(r#""tile_layer_url":"https://h.example/a.png""#).len(), 3);
    }

    #[test]
    fn alternative_layers_inherit_the_top_level() {
        let layer = |body: &str| {
            tms(&format!(r#"{OK},"alternative_layers":[{{"tile_layer_url":"https://a.example/{{z}}/{{x}}/{{y}}","name":"A"{body}}}]"#))
        };
        const AT: &str = "/row_data/alternative_layers/0";
        assert_eq!(layer(r#","min_zoom":3,"maxZoom":18,"max_native_zoom":16,"tile_size":512,"epsg":"EPSG3857","version":1"#), vec![]);
        assert_eq!(layer(r#","bounds":[[10,20],[11,21]]"#), vec![]);
        assert_eq!(layer(r#","min_zoom":21"#), one(Code::TMS_ZOOM, &format!("{AT}/min_zoom")));
        assert_eq!(layer(r#","epsg":"EPSG9""#), one(Code::TMS_EPSG, &format!("{AT}/epsg")));
        assert_eq!(layer(r#","bounds":[[10,200],[11,21]]"#), one(Code::TMS_BOUNDS, &format!("{AT}/bounds")));
        // The top level's [lat, lng] bounds read as version 2 put latitude out of range.
        assert_eq!(
            tms(&format!(
                r#"{},"alternative_layers":[{{"tile_layer_url":"https://a.example/{{z}}/{{x}}/{{y}}","name":"A","version":2}}]"#,
                OK.replace("[[19.4,-99.2],[19.3,-99.1]]", "[[10,-99.2],[11,-99.1]]")
            )),
            one(Code::TMS_BOUNDS, &format!("{AT}/version"))
        );
        assert_eq!(layer(r#","alternative_layers":[]"#), one(Code::ROW_UNKNOWN_FIELD, &format!("{AT}/alternative_layers")));
        assert_eq!(
            tms(&format!(r#"{OK},"alternative_layers":[{{"name":"A"}},{{"tile_layer_url":"https://a.example/{{z}}/{{x}}/{{y}}"}}]"#)),
            vec![
                (Code::TMS_TILE_TEMPLATE, "/row_data/alternative_layers/0/tile_layer_url".into()),
                (Code::ROW_FIELD_TYPE, "/row_data/alternative_layers/1/name".into()),
            ]
        );
        // A template layer over a file source needs its own bounds and epsg.
        let over_file = tms(
            r#""tile_layer_url":"https://h.example/a.tif","alternative_layers":[{"tile_layer_url":"https://a.example/{z}/{x}/{y}","name":"A"}]"#,
        );
        assert_eq!(over_file, vec![(Code::TMS_EPSG, format!("{AT}/epsg")), (Code::TMS_BOUNDS, format!("{AT}/bounds"))]);
    }
}
