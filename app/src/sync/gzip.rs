//! Request bodies gzipped in the browser (`CompressionStream`) before they go out: officers
//! pay for mobile data by the megabyte, and a push of many records shrinks to about a
//! seventh. The worker takes `Content-Encoding: gzip` and applies its body limits to the
//! unzipped size.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Bodies smaller than this go as they are: gzip would save a few hundred bytes at most.
pub const GZIP_FROM_BYTES: usize = 4 * 1024;

#[wasm_bindgen]
extern "C" {
    /// The browser's `CompressionStream` (web-sys has it only behind its unstable APIs).
    #[wasm_bindgen(js_name = CompressionStream)]
    type GzipStream;

    #[wasm_bindgen(constructor, js_class = "CompressionStream", catch)]
    fn new(format: &str) -> Result<GzipStream, JsValue>;
}

/// `text` gzipped, when it is at least [`GZIP_FROM_BYTES`] long and the browser can
/// compress; `None` means "send it as it is".
pub async fn compress_if_large(text: &str) -> Option<Uint8Array> {
    if text.len() < GZIP_FROM_BYTES {
        return None;
    }
    compress(text).await.ok()
}

/// `text` gzipped.
pub async fn compress(text: &str) -> Result<Uint8Array, JsValue> {
    let parts = Array::of1(&JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence(&parts)?;
    let gzip = GzipStream::new("gzip")?;
    let piped = blob
        .stream()
        .pipe_through(gzip.unchecked_ref::<web_sys::ReadableWritablePair>());
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&piped))?;
    let buffer = JsFuture::from(response.array_buffer()?).await?;
    Ok(Uint8Array::new(&buffer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = DecompressionStream)]
        type GunzipStream;

        #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
        fn new(format: &str) -> Result<GunzipStream, JsValue>;
    }

    async fn gunzip(bytes: &Uint8Array) -> Result<String, JsValue> {
        let parts = Array::of1(bytes);
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
        let gunzip = GunzipStream::new("gzip")?;
        let piped = blob
            .stream()
            .pipe_through(gunzip.unchecked_ref::<web_sys::ReadableWritablePair>());
        let response = web_sys::Response::new_with_opt_readable_stream(Some(&piped))?;
        let text = JsFuture::from(response.text()?).await?;
        text.as_string().ok_or(JsValue::NULL)
    }

    #[test]
    async fn large_bodies_are_gzipped_and_small_ones_left_alone() {
        assert!(compress_if_large("{\"mutations\":[]}").await.is_none());
        let large = format!("[{}]", vec!["{\"kind\":\"case\"}"; 1000].join(","));
        let gzipped = compress_if_large(&large).await.expect("gzipped");
        let bytes = gzipped.to_vec();
        // The gzip magic number, and far smaller than the text.
        assert_eq!(bytes[..2], [0x1f, 0x8b]);
        assert!(bytes.len() * 10 < large.len(), "{} bytes", bytes.len());
        // And it unzips to the same text.
        let unzipped = gunzip(&gzipped).await.expect("gunzipped");
        assert_eq!(unzipped, large);
    }
}
