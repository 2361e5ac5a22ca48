//! Mounts the Gugus app on the page's body; everything else lives in the library.
#![forbid(unsafe_code)]

fn main() {
    leptos::mount::mount_to_body(gugus_app::App);
}
