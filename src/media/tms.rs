//! Tiled imagery row_data: TMS_GEO and TMS_SIMPLE (SPEC §2).

use super::{MediaType, whole_number};
use crate::json::{Kind, Raw};
use crate::report::{Code, Findings, quote};
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

pub const LAYER_KEYS: [(&str, Option<&str>); 2] = [("tile_layer_url", Some("tileLayerUrl")), ("name", None)];

const GEO_EPSG: [&str; 3] = ["EPSG4326", "EPSG3857", "EPSG3395"];
/// Few tile servers serve deeper levels; deeper is allowed but suspicious.
const DEEPEST_USUAL_ZOOM: f64 = 24.0;

pub fn is_simple(data: Raw<'_>) -> crate::json::Result<bool> {
    let mut simple = false;
    data.cursor().object(|c, key| {
        let value = c.value()?;
        simple |= key.value() == "epsg" && value.as_str().is_some_and(|s| s.value() == "Simple");
        Ok(())
    })?;
    Ok(simple)
}

pub fn check(data: Raw<'_>, media: MediaType, findings: &mut Findings) -> crate::json::Result<()> {
    let [tile_url, bounds, min_zoom, max_zoom, native_zoom, tile_size, epsg, version, layers] =
        fields(data, KEYS, &"/row_data", Code::ROW_UNKNOWN_FIELD, findings)?;
    match tile_url {
        Some(raw) => check_template(raw, "/row_data/tile_layer_url", findings),
        None => findings.error(
            Code::TMS_TILE_TEMPLATE,
            "/row_data/tile_layer_url",
            data.offset,
            "tiled row_data needs \"tile_layer_url\", a URL template with {z}, {x} and {y}".into(),
        ),
    }
    let epsg_name = check_epsg(epsg, data, media, findings);
    let lat_first = check_version(version, findings);
    check_bounds(bounds, data, epsg_name.as_deref() == Some("EPSG4326"), lat_first, findings)?;
    check_zooms(min_zoom, max_zoom, native_zoom, tile_size, data, findings);
    if let Some(layers) = layers {
        check_layers(layers, findings)?;
    }
    Ok(())
}

fn check_template(raw: Raw<'_>, pointer: &str, findings: &mut Findings) {
    let Some(token) = raw.as_str() else {
        findings.error(
            Code::TMS_TILE_TEMPLATE,
            pointer,
            raw.offset,
            format!("tile_layer_url must be a URL string, not {}", raw.kind.name()),
        );
        return;
    };
    let value = token.value();
    url::check(&value, &|| pointer.to_string(), raw.offset, findings);
    let missing: Vec<&str> = ["{z}", "{x}", "{y}"].into_iter().filter(|p| !value.contains(p)).collect();
    if !missing.is_empty() {
        findings.error(
            Code::TMS_TILE_TEMPLATE,
            pointer,
            raw.offset,
            format!("tile_layer_url {} lacks the placeholder(s) {}", quote(&value), missing.join(", ")),
        );
    }
}

fn check_epsg(epsg: Option<Raw<'_>>, data: Raw<'_>, media: MediaType, findings: &mut Findings) -> Option<String> {
    let Some(raw) = epsg else {
        let hint = if media == MediaType::TmsSimple { "\"Simple\"" } else { "EPSG4326, EPSG3857 or EPSG3395" };
        findings.error(Code::TMS_EPSG, "/row_data/epsg", data.offset, format!("tiled row_data needs \"epsg\": {hint}"));
        return None;
    };
    let value = raw.as_str().map(|s| s.value().into_owned());
    let problem = match (media, value.as_deref()) {
        (MediaType::TmsSimple, Some("Simple")) => None,
        (MediaType::TmsSimple, Some(v)) if GEO_EPSG.contains(&v) => {
            Some(format!("epsg {} is geographic; use media_type TMS_GEO, or epsg \"Simple\" for a plain tiled image", quote(v)))
        }
        (MediaType::TmsSimple, _) => Some("TMS_SIMPLE takes epsg \"Simple\"".to_string()),
        (_, Some("Simple")) => Some("epsg \"Simple\" is for plain tiled images; use media_type TMS_SIMPLE".to_string()),
        (_, Some(v)) if GEO_EPSG.contains(&v) => None,
        (_, _) => Some(format!("epsg {} is not one of EPSG4326, EPSG3857, EPSG3395", quote(raw.text))),
    };
    if let Some(message) = problem {
        findings.error(Code::TMS_EPSG, "/row_data/epsg", raw.offset, message);
    }
    value
}

/// `true` when bounds are `[lat, lng]` (version 1, the default).
fn check_version(version: Option<Raw<'_>>, findings: &mut Findings) -> bool {
    let Some(raw) = version else { return true };
    match raw.as_f64() {
        Some(v) if v == 1.0 => true,
        Some(v) if v == 2.0 => false,
        _ => {
            findings.error(
                Code::TMS_BOUNDS,
                "/row_data/version",
                raw.offset,
                format!("version {} is not 1 ([lat, lng] bounds) or 2 ([lng, lat] bounds)", quote(raw.text)),
            );
            true
        }
    }
}

fn check_bounds(bounds: Option<Raw<'_>>, data: Raw<'_>, geographic: bool, lat_first: bool, findings: &mut Findings) -> crate::json::Result<()> {
    const P: &str = "/row_data/bounds";
    let Some(raw) = bounds else {
        findings.error(Code::TMS_BOUNDS, P, data.offset, "tiled row_data needs \"bounds\": [[a, b], [c, d]]".into());
        return Ok(());
    };
    let mut corners = Vec::with_capacity(2);
    if raw.kind == Kind::Array {
        for corner in raw.elements()? {
            let point = if corner.kind == Kind::Array { corner.elements()? } else { Vec::new() };
            let numbers: Vec<f64> = point.iter().filter_map(|n| n.as_f64()).collect();
            if numbers.len() != 2 || point.len() != 2 {
                corners.clear();
                break;
            }
            corners.push((numbers[0], numbers[1]));
        }
    }
    let [(a, b), (c, d)] = corners[..] else {
        findings.error(Code::TMS_BOUNDS, P, raw.offset, "bounds must be two corner points [[a, b], [c, d]] of numbers".into());
        return Ok(());
    };
    if a == c || b == d {
        findings.error(Code::TMS_BOUNDS, P, raw.offset, "the two bounds corners must differ on both axes".into());
    }
    if geographic {
        let (lat, lng) = if lat_first { ([a, c], [b, d]) } else { ([b, d], [a, c]) };
        let order = if lat_first { "[lat, lng] (version 1)" } else { "[lng, lat] (version 2)" };
        if lat.iter().any(|v| !(-90.0..=90.0).contains(v)) || lng.iter().any(|v| !(-180.0..=180.0).contains(v)) {
            findings.error(
                Code::TMS_BOUNDS,
                P,
                raw.offset,
                format!("bounds are read as {order}: latitude must be within [-90, 90] and longitude within [-180, 180]"),
            );
        }
    }
    Ok(())
}

fn check_zooms(
    min: Option<Raw<'_>>,
    max: Option<Raw<'_>>,
    native: Option<Raw<'_>>,
    tile_size: Option<Raw<'_>>,
    data: Raw<'_>,
    findings: &mut Findings,
) {
    let mut zoom = |raw: Option<Raw<'_>>, name: &str, required: bool| -> Option<f64> {
        let pointer = format!("/row_data/{name}");
        let Some(raw) = raw else {
            if required {
                findings.error(Code::TMS_ZOOM, pointer, data.offset, format!("tiled row_data needs \"{name}\""));
            }
            return None;
        };
        match whole_number(raw) {
            Some(z) => {
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
            None => {
                findings.error(Code::TMS_ZOOM, pointer, raw.offset, format!("{name} {} is not a non-negative integer", quote(raw.text)));
                None
            }
        }
    };
    let min_z = zoom(min, "min_zoom", true);
    let max_z = zoom(max, "max_zoom", true);
    zoom(native, "max_native_zoom", false);
    if let (Some(lo), Some(hi), Some(raw)) = (min_z, max_z, max) {
        if lo > hi {
            findings.error(Code::TMS_ZOOM, "/row_data/max_zoom", raw.offset, format!("max_zoom {hi} is below min_zoom {lo}"));
        }
    }
    if let Some(raw) = tile_size {
        if !whole_number(raw).is_some_and(|n| n > 0.0) {
            findings.error(
                Code::TMS_ZOOM,
                "/row_data/tile_size",
                raw.offset,
                format!("tile_size {} is not a positive integer (the default is 256)", quote(raw.text)),
            );
        }
    }
}

fn check_layers(layers: Raw<'_>, findings: &mut Findings) -> crate::json::Result<()> {
    if layers.kind != Kind::Array {
        findings.error(
            Code::ROW_FIELD_TYPE,
            "/row_data/alternative_layers",
            layers.offset,
            format!("alternative_layers must be an array of {{tile_layer_url, name}}, not {}", layers.kind.name()),
        );
        return Ok(());
    }
    let not_object = (Code::ROW_FIELD_TYPE, "a layer must be an object {tile_layer_url, name}");
    objects(layers, "/row_data/alternative_layers", LAYER_KEYS, not_object, findings, |at, layer, [url, name], findings| {
        match url {
            Some(raw) => check_template(raw, &format!("{at}/tile_layer_url"), findings),
            None => findings.error(
                Code::TMS_TILE_TEMPLATE,
                format!("{at}/tile_layer_url"),
                layer.offset,
                "an alternative layer needs \"tile_layer_url\"".into(),
            ),
        }
        if !name.is_some_and(|n| n.kind == Kind::String) {
            let offset = name.map_or(layer.offset, |n| n.offset);
            findings.error(Code::ROW_FIELD_TYPE, format!("{at}/name"), offset, "an alternative layer needs a \"name\" string".into());
        }
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

    #[test]
    fn a_valid_layer_passes() {
        assert_eq!(tms(OK), vec![]);
        assert_eq!(tms(&format!(r#"{OK},"alternativeLayers":[{{"tileLayerUrl":"https://t.example/{{z}}/{{x}}/{{y}}","name":"Sat"}}]"#)), vec![]);
    }

    #[test]
    fn each_rule() {
        let swap = |from: &str, to: &str| tms(&OK.replace(from, to));
        assert_eq!(swap("{y}", "{q}"), vec![(Code::TMS_TILE_TEMPLATE, "/row_data/tile_layer_url".into())]);
        assert_eq!(swap("[19.3,-99.1]", "[19.4,-99.1]"), vec![(Code::TMS_BOUNDS, "/row_data/bounds".into())]);
        assert_eq!(swap("[19.3,-99.1]", "[19.3,-199.1]"), vec![(Code::TMS_BOUNDS, "/row_data/bounds".into())]);
        assert_eq!(swap(r#""EPSG4326""#, r#""EPSG4326","version":2"#), vec![(Code::TMS_BOUNDS, "/row_data/bounds".into())]);
        assert_eq!(swap("[19.3,-99.1]", "[19.3]"), vec![(Code::TMS_BOUNDS, "/row_data/bounds".into())]);
        assert_eq!(swap(r#""min_zoom":12"#, r#""min_zoom":-1"#), vec![(Code::TMS_ZOOM, "/row_data/min_zoom".into())]);
        assert_eq!(swap(r#""min_zoom":12"#, r#""min_zoom":21"#), vec![(Code::TMS_ZOOM, "/row_data/max_zoom".into())]);
        assert_eq!(swap(r#""max_zoom":20"#, r#""max_zoom":20.5"#), vec![(Code::TMS_ZOOM, "/row_data/max_zoom".into())]);
        assert_eq!(swap(r#""EPSG4326""#, r#""EPSG1""#), vec![(Code::TMS_EPSG, "/row_data/epsg".into())]);
        assert_eq!(swap(r#""EPSG4326""#, r#""Simple""#), vec![(Code::TMS_EPSG, "/row_data/epsg".into())]);
        let (severity_warning, _) = (swap(r#""max_zoom":20"#, r#""max_zoom":25"#), ());
        assert_eq!(severity_warning, vec![(Code::TMS_ZOOM, "/row_data/max_zoom".into())]);
    }

    #[test]
    fn simple_tiles_are_inferred_and_need_simple() {
        let body = r#""tile_layer_url":"https://t.example/{z}/{x}/{y}.png","bounds":[[0,0],[1000,1000]],"min_zoom":0,"max_zoom":5,"epsg":"Simple""#;
        let (resolved, codes) = run(&format!(r#"{{"row_data":{{{body}}}}}"#));
        assert_eq!(resolved.media, Some(super::MediaType::TmsSimple));
        assert_eq!(codes, vec![(Code::MEDIA_TYPE_INFERRED, "/row_data".into())]);
    }
}
