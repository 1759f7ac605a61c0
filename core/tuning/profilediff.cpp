#include "profilediff.h"

#include "profilejson.h"

#include <map>
#include <simdjson.h>

namespace cepheid {

namespace {

namespace dom = simdjson::dom;

// path -> JSON value, in the order the profile JSON writes them (the vector keeps order, the map finds).
struct FlatProfile
{
    std::vector<std::pair<std::string, std::string>> values;
    std::map<std::string, std::size_t> index;
    std::map<std::string, std::string> entries; // "allowlist[id]" / "catalog[pattern]" -> the entry's JSON

    void add(std::string path, std::string value)
    {
        index.emplace(path, values.size());
        values.emplace_back(std::move(path), std::move(value));
    }
};

std::string stringOr(dom::element element, std::string_view key, std::string fallback)
{
    std::string_view value;
    if (element.is_object() && element[key].get(value) == simdjson::SUCCESS)
        return std::string(value);
    return fallback;
}

void flatten(dom::element element, const std::string& path, FlatProfile& out)
{
    if (element.is_object()) {
        for (auto [key, value] : dom::object(element))
            flatten(value, path.empty() ? std::string(key) : path + "." + std::string(key), out);
        return;
    }
    if (element.is_array()) {
        std::size_t position = 0;
        for (dom::element item : dom::array(element)) {
            // Entries are named by what identifies them, so that reordering is no change.
            std::string name = std::to_string(position++);
            if (path == "allowlist")
                name = stringOr(item, "id", name);
            else if (path == "catalog")
                name = stringOr(item, "pattern", name);
            else if (std::string_view network;
                     path == "score.local_only_networks" && item.get(network) == simdjson::SUCCESS)
                name = std::string(network); // a set of networks: named by themselves
            const std::string entryPath = path + "[" + name + "]";
            if (path == "allowlist" || path == "catalog")
                out.entries.emplace(entryPath, simdjson::minify(item));
            flatten(item, entryPath, out);
        }
        return;
    }
    out.add(path, simdjson::minify(element));
}

FlatProfile flatten(const Profile& profile, dom::parser& parser)
{
    FlatProfile flat;
    // profileToJson writes every key, so both sides have the same shape apart from list entries.
    const simdjson::padded_string json(profileToJson(profile));
    dom::element root;
    if (parser.parse(json).get(root) == simdjson::SUCCESS)
        flatten(root, "", flat);
    return flat;
}

} // namespace

std::vector<ProfileChange> diffProfiles(const Profile& before, const Profile& after)
{
    dom::parser parser;
    const FlatProfile a = flatten(before, parser);
    const FlatProfile b = flatten(after, parser);
    // An entry on one side only is one change (the whole entry), not one per key.
    auto entryOf = [](const std::string& path) {
        const auto close = path.find(']');
        return close == std::string::npos ? std::string() : path.substr(0, close + 1);
    };
    std::vector<ProfileChange> changes;
    for (const auto& [path, value] : a.values) {
        const std::string entry = entryOf(path);
        if (a.entries.contains(entry) && !b.entries.contains(entry)) {
            if (changes.empty() || changes.back().path != entry)
                changes.push_back({ entry, a.entries.at(entry), {} });
            continue;
        }
        const auto other = b.index.find(path);
        if (other == b.index.end())
            changes.push_back({ path, value, {} });
        else if (b.values[other->second].second != value)
            changes.push_back({ path, value, b.values[other->second].second });
    }
    for (const auto& [path, value] : b.values) {
        const std::string entry = entryOf(path);
        if (b.entries.contains(entry) && !a.entries.contains(entry)) {
            if (changes.empty() || changes.back().path != entry)
                changes.push_back({ entry, {}, b.entries.at(entry) });
            continue;
        }
        if (!a.index.contains(path))
            changes.push_back({ path, {}, value });
    }
    return changes;
}

std::string formatProfileDiff(const std::vector<ProfileChange>& changes)
{
    std::string text;
    for (const ProfileChange& change : changes)
        text += change.path + ": " + (change.before.empty() ? "(none)" : change.before) + " -> "
            + (change.after.empty() ? "(none)" : change.after) + "\n";
    return text;
}

} // namespace cepheid
