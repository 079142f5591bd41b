fn main() {
    // Declaring the app's commands makes each one need a permission: the capability in
    // capabilities/main.json grants exactly these to the main window and nothing else.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "app_status",
            "country_defaults",
            "setup_school",
            "update_school",
            "list_years",
            "add_year",
            "add_term",
            "list_classes",
            "create_class",
            "update_class",
            "list_students",
            "get_student",
            "create_student",
            "update_student",
            "search_students",
            "set_student_photo",
            "remove_student_photo",
            "get_student_photo",
            "import_open",
            "import_preview",
            "import_run",
            "import_cancel",
            "import_error_report",
            "import_history",
            "import_undo_last",
            "export_roll",
            "export_students",
            "export_template",
        ]),
    ))
    .expect("tauri build script");
}
