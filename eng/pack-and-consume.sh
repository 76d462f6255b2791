#!/usr/bin/env bash
# Packs every package and the tool, then proves them from the packed .nupkg files only:
#   1. each package has its README, LICENSE and icon, a .snupkg, and no build-machine path in its dll;
#   2. the tool installs from the nupkg and `handshake demo` runs from it;
#   3. the README quickstart, compiled straight from README.md, builds against the nupkgs (Handshake +
#      Handshake.Plugins.Scram only, Microsoft.Extensions.* pinned to 10.0.0), runs and prints its result;
#   4. every other README C# block (root and per package) compiles against the nupkgs;
#   5. a third-party plugin's tests, inheriting Handshake.Testing.Conformance from its nupkg, pass.
# Usage: eng/pack-and-consume.sh [results-dir]   (TRX results of step 5 go there when given)
set -euo pipefail
cd "$(dirname "$0")/.."
results="${1:-}"
feed="$(pwd)/.tmp/nupkg"
rm -rf "$feed" .tmp/consumer-packages .tmp/tool eng/consumer/*/bin eng/consumer/*/obj
export CI="${CI:-true}"   # deterministic, path-mapped builds (ContinuousIntegrationBuild)

echo "pack: dotnet pack Handshake.sln -c Release"
# A Release obj folder left by a non-CI build would keep the machine's paths: build afresh.
rm -rf src/*/obj/Release src/*/bin/Release
dotnet pack Handshake.sln -c Release -o "$feed" -nologo -clp:NoSummary -warnaserror >/dev/null
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)"
echo "pack: $(ls "$feed"/*.nupkg | wc -l) packages, version $version"
for pkg in "$feed"/*.nupkg; do
  name="$(basename "$pkg" ".$version.nupkg")"
  listing="$(unzip -l "$pkg")"
  for required in README.md LICENSE icon.png; do
    grep -q " $required\$" <<<"$listing" || { echo "pack: $name has no $required" >&2; exit 1; }
  done
  [ -f "$feed/$name.$version.snupkg" ] || { echo "pack: $name has no .snupkg" >&2; exit 1; }
  if [ "$name" != Handshake.Cli ]; then
    dll="lib/net10.0/$name.dll"
    if unzip -p "$pkg" "$dll" | grep -qaF "$(pwd)/"; then
      echo "pack: $name.dll embeds the build machine's path $(pwd) (not a deterministic CI build)" >&2; exit 1
    fi
  fi
  printf 'pack:   %-42s %8s bytes  (symbols %s bytes)\n' "$name" "$(stat -c %s "$pkg")" "$(stat -c %s "$feed/$name.$version.snupkg")"
done

echo "tool: dotnet tool install Handshake.Cli from the local feed"
dotnet tool install --tool-path .tmp/tool --add-source "$feed" Handshake.Cli --version "$version" >/dev/null
demo="$(.tmp/tool/handshake demo)"
grep -q "Every login ended as expected." <<<"$demo" || { echo "$demo"; echo "tool: handshake demo did not end as expected" >&2; exit 1; }
echo "tool: handshake demo (from the nupkg): $(grep -c '=> ' <<<"$demo") logins, every one as expected"

echo "consumer: README quickstart against Handshake + Handshake.Plugins.Scram, Microsoft.Extensions.* 10.0.0"
out="$(dotnet run --project eng/consumer/Quickstart -nologo)"
echo "consumer: quickstart printed: $out"
grep -q "user alice" <<<"$out" || { echo "consumer: the quickstart did not print its result" >&2; exit 1; }

echo "consumer: every other README C# block"
dotnet build eng/consumer/Snippets -nologo -clp:NoSummary -v:q >/dev/null
echo "consumer: $(ls eng/consumer/Snippets/obj/Debug/net10.0/readme/*.g.cs | wc -l) README blocks compiled"

echo "consumer: a third-party plugin's tests, from Handshake.Testing.Conformance's nupkg"
if [ -n "$results" ]; then
  dotnet test eng/consumer/ThirdPartyPlugin.Tests -nologo --logger "trx;LogFilePrefix=thirdparty" --results-directory "$results"
else
  dotnet test eng/consumer/ThirdPartyPlugin.Tests -nologo
fi
