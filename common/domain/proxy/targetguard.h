#pragma once

#include "core/result.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QUrl>

namespace tap::proxy {

// The SSRF guard for /forward (README "The data plane": TAP_ALLOW_PRIVATE_TARGETS lets it reach
// loopback and private addresses; cloud metadata addresses stay blocked).
//
// Private: loopback (127/8, ::1), RFC 1918, CGNAT 100.64/10, link-local 169.254/16 and
//   fe80::/10, site-local fec0::/10, ULA fc00::/7, IETF protocol assignments 192.0.0/24,
//   benchmarking 198.18/15, 6to4 relay anycast 192.88.99/24, documentation (192.0.2/24,
//   198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20), local-use NAT64 64:ff9b:1::/48
//   and Teredo 2001::/32 (whose real destination is hidden).
// Metadata: 169.254.169.254 (AWS, GCP, Azure, OpenStack...), 169.254.170.2 (AWS ECS),
//   fd00:ec2::254 (AWS IPv6), 100.100.100.200 (Alibaba), 192.0.0.192 (Oracle),
//   168.63.129.16 (Azure WireServer).
// Forbidden: unspecified 0/8 and ::, multicast 224/4 and ff00::/8, reserved 240/4 (incl.
//   broadcast 255.255.255.255), discard-only 100::/64, and anything that is not an address.
// IPv4 embedded in IPv6 — mapped ::ffff:0:0/96, translated ::ffff:0:0:0/96, compatible ::/96,
//   NAT64 64:ff9b::/96 and 6to4 2002::/16 — is classified by its IPv4 address.
// Not covered: DNS answers are the caller's business (check every resolved address, and
// connect to the address that was checked, so that rebinding cannot slip through).
enum class AddressClass { Public, Private, Metadata, Forbidden };

AddressClass classify(const QHostAddress &address);

// Public always; Private only with allowPrivate; Metadata and Forbidden never.
bool isAddressAllowed(const QHostAddress &address, bool allowPrivate);

// A credential's allowed_hosts: case-insensitive exact names, or "*.example.com" for any
// subdomain at any depth (not example.com itself). A trailing dot is ignored on both sides.
// An empty list allows nothing.
bool isHostAllowed(QStringView host, const QStringList &allowedHosts);

// What a /forward target is and where it goes: proxy/targeturl.h.

} // namespace tap::proxy
