#include "event.h"

namespace cepheid {

std::string_view directionName(Direction direction)
{
    switch (direction) {
    case Direction::Inbound:
        return "INBOUND";
    case Direction::Outbound:
        return "OUTBOUND";
    case Direction::Broadcast:
        return "BROADCAST";
    case Direction::Unknown:
        break;
    }
    return "UNKNOWN_DIRECTION";
}

} // namespace cepheid
