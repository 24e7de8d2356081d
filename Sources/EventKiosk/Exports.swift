// The shared formats (hex, SHA-256, signed notes, the audit chain) are part of the kiosk's own vocabulary: every file
// of the kiosk, and whoever imports it, sees them without importing a second module.
@_exported import KioskFormats
