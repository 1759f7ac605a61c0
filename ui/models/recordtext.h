#pragma once

#include <QString>

namespace cepheid::ui {

// Indents a JSON record without reparsing it: keys keep their order and values their exact text, so the analyst
// sees the record as it was exported. Anything that is not JSON comes back unchanged. What every raw record pane
// (a flow's events, a cloud change's calls) shows.
QString indentJson(const QString& text);

} // namespace cepheid::ui
