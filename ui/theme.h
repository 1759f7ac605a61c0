#pragma once

#include <QString>

namespace cepheid::ui {

// The workbench's colours: the system's palette, or Fusion with a light or a dark palette. Every view derives its
// colours from the application palette (charts/chartcolors.h), so a theme change is a palette change.
enum class Theme { System, Light, Dark };

Theme themeFromName(const QString& name); // "light", "dark", anything else: System
QString themeName(Theme theme);
// The first call captures the platform's look (call it at start-up, System included, before any change); System
// restores that look, Light and Dark use Fusion with a palette.
void applyTheme(Theme theme);
Theme savedTheme(); // the analyst's choice (View ▸ Theme), remembered across runs
void saveTheme(Theme theme);

} // namespace cepheid::ui
