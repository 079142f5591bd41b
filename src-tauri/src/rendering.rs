//! How WebKitGTK draws the window on Linux. It composites the page through OpenGL when it
//! can; on a PC without a GPU driver (a virtual machine, a thin client, an old office PC)
//! that OpenGL is Mesa's software renderer, and compositing through it made the first screen
//! about 0.4 s slower and the web process 120 MB bigger (measured under Xvfb, where the same
//! is true). Without a GPU the page is drawn without OpenGL; with one, WebKit's own choice
//! stands. Not under WebDriver (the end-to-end tests): WebKit's screenshots wait for a
//! repaint that this mode never makes while the page is still. Windows and macOS: nothing.

#[cfg(target_os = "linux")]
pub fn fit_to_graphics<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    if has_render_node(std::path::Path::new("/dev/dri")) {
        return;
    }
    let result = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        let view = webview.inner();
        if view.is_controlled_by_automation() {
            return;
        }
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            tracing::info!("no GPU: the page is drawn without OpenGL");
        }
    });
    if let Err(e) = result {
        tracing::warn!("the drawing mode could not be set: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn fit_to_graphics<R: tauri::Runtime>(_window: &tauri::WebviewWindow<R>) {}

/// Whether the kernel offers a GPU render node (`renderD128`… in `/dev/dri`): without one,
/// OpenGL can only be software.
#[cfg(target_os = "linux")]
fn has_render_node(dri: &std::path::Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_gpu_is_told_by_its_render_node() {
        let dir = tempfile::tempdir().unwrap();
        let dri = dir.path().join("dri");
        assert!(!has_render_node(&dri), "no /dev/dri at all");
        std::fs::create_dir(&dri).unwrap();
        std::fs::write(dri.join("card0"), b"").unwrap();
        assert!(
            !has_render_node(&dri),
            "a display card without a render node"
        );
        std::fs::write(dri.join("renderD128"), b"").unwrap();
        assert!(has_render_node(&dri));
    }
}
