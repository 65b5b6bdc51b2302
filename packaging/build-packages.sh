#!/bin/bash
# Builds the DEB and the RPM of slurm-azure-power from the Maven build output (slurm-azure-power.jar and lib/).
# Called by the pom's "packages" profile (mvn -Ppackages package); runs standalone too:
#
#   packaging/build-packages.sh --build-dir target --version 0.1.0-SNAPSHOT --out target/packages
#
# Options:
#   --build-dir DIR    where slurm-azure-power.jar and lib/ are (required)
#   --version V        the Maven version, e.g. 0.1.0-SNAPSHOT (required)
#   --out DIR          where the .deb and .rpm go (default: <build-dir>/packages)
#   --project-dir DIR  the checkout, for etc/, docs/, README.md (default: the parent of this script's directory)
#   --release N        the package release (default 1)
#   --formats LIST     deb,rpm (default) or one of them
#   --java-home DIR    a JDK whose bin/jar reads the manifest when unzip is missing
#   --maintainer "Name <address>"
#                      the DEB's Maintainer, the RPM's Packager, the changelogs' signature (default: the pom's
#                      packages.maintainer property, which mvn -Dpackages.maintainer=... overrides)
#   --homepage URL     the DEB's Homepage and the RPM's URL (default: none)
#
# Besides the jars it packages what the build generated: the man pages (<build-dir>/man/*.1) and the bash completion
# (<build-dir>/bash-completion/slurm-azure-power), and it makes the DEB's changelog and the RPM's %changelog from
# CHANGELOG.md, whose newest entry must be this version.
#
# Needs dpkg-deb (dpkg) and rpmbuild (Debian: apt-get install rpm); nothing from the network. Builds as any user:
# ownership inside the packages is set by dpkg-deb --root-owner-group and the spec's %attr, not by this user.
# SOURCE_DATE_EPOCH, when set, becomes the time stamp of every packaged file.
set -euo pipefail
umask 022

die() { echo "build-packages: $*" >&2; exit 1; }

here=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
project_dir=$(dirname "$here")
build_dir="" version="" out="" release=1 formats="deb,rpm" java_home="" maintainer="" homepage=""
while (($#)); do
    case "$1" in
        --build-dir) build_dir="$2"; shift 2 ;;
        --version) version="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --project-dir) project_dir="$2"; shift 2 ;;
        --release) release="$2"; shift 2 ;;
        --formats) formats="$2"; shift 2 ;;
        --java-home) java_home="$2"; shift 2 ;;
        --maintainer) maintainer="$2"; shift 2 ;;
        --maintainer=*) maintainer="${1#*=}"; shift ;;
        --homepage) homepage="$2"; shift 2 ;;
        --homepage=*) homepage="${1#*=}"; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[[ -n "$build_dir" && -n "$version" ]] || die "--build-dir and --version are required (see --help)"
[[ "$release" =~ ^[0-9]+$ ]] || die "--release must be a number, found \"$release\""
[[ -d "$build_dir" ]] || die "no build directory $build_dir"
build_dir=$(cd -P "$build_dir" && pwd -P)
out=${out:-$build_dir/packages}
jar="$build_dir/slurm-azure-power.jar"
[[ -r "$jar" ]] || die "$jar not found: run 'mvn -DskipTests package' first"
want_deb=false want_rpm=false
[[ ",$formats," == *",deb,"* ]] && want_deb=true
[[ ",$formats," == *",rpm,"* ]] && want_rpm=true
$want_deb || $want_rpm || die "--formats: expected deb, rpm or deb,rpm, found \"$formats\""
if $want_deb; then
    command -v dpkg-deb >/dev/null || die "dpkg-deb not found (Debian's dpkg package)"
fi
if $want_rpm; then
    command -v rpmbuild >/dev/null || die "rpmbuild not found: install Debian's rpm package (apt-get install rpm)"
fi
# The maintainer: given, else the pom's default (the packages profile passes it; this is for runs on their own).
if [[ -z "$maintainer" ]]; then
    maintainer=$(sed -n '/<packages\.maintainer>/{s:.*<packages\.maintainer>\(.*\)</packages\.maintainer>.*:\1:p;q;}' \
        "$project_dir/pom.xml" | sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g')
fi
[[ "$maintainer" =~ ^[^\<\>|]+\ \<[^\<\>@\ |]+@[^\<\>\ |]+\>$ ]] \
    || die "--maintainer: expected \"Name <address>\", found \"$maintainer\""
[[ -z "$homepage" || "$homepage" =~ ^https?://[^[:space:]|]+$ ]] || die "--homepage: expected a URL, found \"$homepage\""

# Versions. Maven 0.1.0-SNAPSHOT -> DEB 0.1.0~SNAPSHOT-1 (sorts before 0.1.0-1) and RPM 0.1.0-0.1.SNAPSHOT (the
# pre-release convention: sorts before 0.1.0-1). A release 0.1.0 -> DEB 0.1.0-1, RPM 0.1.0-1.
[[ "$version" =~ ^([0-9][0-9A-Za-z.]*)(-([0-9A-Za-z.-]+))?$ ]] || die "unsupported version \"$version\""
base="${BASH_REMATCH[1]}" qualifier="${BASH_REMATCH[3]}"
qualifier="${qualifier//-/.}"
if [[ -n "$qualifier" ]]; then
    deb_version="$base~$qualifier-$release"
    rpm_release="0.$release.$qualifier"
else
    deb_version="$base-$release"
    rpm_release="$release"
fi

# The jars: exactly those the manifest's Class-Path names (lib/ may hold stale jars of earlier builds).
manifest() {
    if command -v unzip >/dev/null; then
        unzip -p "$jar" META-INF/MANIFEST.MF
    else
        local jartool="${java_home:+$java_home/bin/jar}"
        [[ -x "$jartool" ]] || jartool=$(command -v jar) || die "neither unzip nor a JDK's jar tool found (--java-home)"
        local tmp; tmp=$(mktemp -d)
        (cd "$tmp" && "$jartool" xf "$jar" META-INF/MANIFEST.MF && cat META-INF/MANIFEST.MF)
        rm -rf "$tmp"
    fi
}
classpath=$(manifest | tr -d '\r' | awk '/^Class-Path:/ {cp = substr($0, 13); on = 1; next}
                                         on && /^ / {cp = cp substr($0, 2); next}
                                         {on = 0} END {print cp}')
read -r -a cp_entries <<< "$classpath"
((${#cp_entries[@]})) || die "$jar has no Class-Path in its manifest"
for e in "${cp_entries[@]}"; do
    [[ "$e" == lib/*.jar ]] || die "unexpected Class-Path entry $e in $jar"
    [[ -r "$build_dir/$e" ]] || die "$build_dir/$e (named by the manifest) not found: run 'mvn -DskipTests package'"
done

# The man pages and the bash completion, generated by the build from the command model (docgen.GenerateDocs).
shopt -s nullglob
man_pages=("$build_dir"/man/*.1)
shopt -u nullglob
((${#man_pages[@]})) || die "no man pages in $build_dir/man: run 'mvn -DskipTests package' (it generates them; \
-Dmaven.test.skip=true does not)"
completion="$build_dir/bash-completion/slurm-azure-power"
[[ -r "$completion" ]] || die "$completion not found: run 'mvn -DskipTests package' (it generates it)"

work=$(mktemp -d "${TMPDIR:-/tmp}/slurm-azure-power-pkg.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage="$work/stage"

# ---- the installed tree, shared by both packages -------------------------------------------------------------
appdir=usr/share/slurm-azure-power
docdir=usr/share/doc/slurm-azure-power
install -d "$stage/$appdir/lib" "$stage/usr/bin" "$stage/usr/libexec/slurm-azure-power" "$stage/etc/slurm" \
    "$stage/usr/lib/systemd/system" "$stage/usr/lib/tmpfiles.d" \
    "$stage/etc/logrotate.d" "$stage/var/lib/slurm-azure-power" "$stage/var/cache/slurm-azure-power" "$stage/$docdir/docs" "$stage/$docdir/examples" \
    "$stage/usr/share/man/man1" "$stage/usr/share/bash-completion/completions"
install -m 0644 "$jar" "$stage/$appdir/slurm-azure-power.jar"
for e in "${cp_entries[@]}"; do
    install -m 0644 "$build_dir/$e" "$stage/$appdir/$e"
done
# Jar signatures are removed (several Azure SDK jars are signed): the JVM's class-data sharing (the start-up archive,
# docs/packaging.md) skips every class of a signed jar, and verifying signatures costs start-up time on each run.
# The packages' own digests (DEB md5sums, RPM file digests) cover the jars instead.
unsign() { # jar
    local j="$1" sigs
    sigs=$(unzip -Z1 "$j" 2>/dev/null | grep -E '^META-INF/[^/]+\.(SF|RSA|DSA|EC)$') || return 0
    if command -v zip >/dev/null; then
        # shellcheck disable=SC2086
        zip -q -d "$j" $sigs >/dev/null || die "cannot remove the signature of $j"
    else
        local jartool="${java_home:+$java_home/bin/jar}" tmp
        [[ -x "$jartool" ]] || jartool=$(command -v jar) || die "neither zip nor a JDK's jar tool found (--java-home)"
        tmp=$(mktemp -d)
        (cd "$tmp" && "$jartool" xf "$j" && rm -f $sigs && "$jartool" cfm "$j.new" META-INF/MANIFEST.MF -C "$tmp" .) \
            && mv "$j.new" "$j" || die "cannot remove the signature of $j"
        rm -rf "$tmp"
    fi
}
if command -v unzip >/dev/null; then
    for e in "${cp_entries[@]}"; do
        unsign "$stage/$appdir/$e"
    done
else
    echo "build-packages: warning: unzip not found: jar signatures kept (the start-up archive skips signed jars)" >&2
fi
install -m 0755 "$here/common/train-archive" "$stage/$appdir/train-archive"

# The launchers, from one template: the command and the three slurm.conf programs.
launcher() { # path role subcommand program-property
    sed -e "s|@SELF@|$1|g" -e "s|@ROLE@|$2|g" -e "s|@SUBCOMMAND@|$3|g" -e "s|@PROGRAM_PROPERTY@|$4|g" \
        "$here/common/launcher.in" > "$stage$1"
    chmod 0755 "$stage$1"
    bash -n "$stage$1" || die "syntax error in the generated $1"
}
launcher /usr/bin/slurm-azure-power \
    "the slurm-azure-power command (slurm-azure-power --help); the log names its runs 'slurm-azure-power <subcommand>'" \
    "" '""'
for p in resume suspend resume-fail; do
    case "$p" in
        resume) role="Slurm's ResumeProgram (slurm.conf: ResumeProgram=/usr/libexec/slurm-azure-power/resume)" ;;
        suspend) role="Slurm's SuspendProgram (slurm.conf: SuspendProgram=/usr/libexec/slurm-azure-power/suspend)" ;;
        resume-fail) role="Slurm's ResumeFailProgram (slurm.conf: ResumeFailProgram=/usr/libexec/slurm-azure-power/resume-fail)" ;;
    esac
    launcher "/usr/libexec/slurm-azure-power/$p" "$role; runs 'slurm-azure-power $p HOSTLIST'" "$p" \
        "/usr/libexec/slurm-azure-power/$p"
done

install -m 0644 "$here/common/azure-power.jvm" "$stage/etc/slurm/azure-power.jvm"
install -m 0644 "$project_dir/etc/azure-power.example.yaml" "$stage/etc/slurm/azure-power.yaml.example"
install -m 0644 "$here/common/logrotate" "$stage/etc/logrotate.d/slurm-azure-power"
# The reconcile pass on a timer (systemd/), and the state directory for systemd-tmpfiles.
for unit in slurm-azure-power-reconcile.service slurm-azure-power-reconcile.timer; do
    install -m 0644 "$project_dir/systemd/$unit" "$stage/usr/lib/systemd/system/$unit"
done
install -m 0644 "$project_dir/systemd/slurm-azure-power.tmpfiles" "$stage/usr/lib/tmpfiles.d/slurm-azure-power.conf"

# Man pages compressed as Debian policy and EL do (gzip -9, -n: no name or time stamp, so builds are reproducible);
# the completion where bash-completion loads it on first use of the command.
for page in "${man_pages[@]}"; do
    gzip -9n -c "$page" > "$stage/usr/share/man/man1/${page##*/}.gz"
    chmod 0644 "$stage/usr/share/man/man1/${page##*/}.gz"
done
install -m 0644 "$completion" "$stage/usr/share/bash-completion/completions/slurm-azure-power"

install -m 0644 "$project_dir/README.md" "$stage/$docdir/README.md"
for f in "$project_dir"/docs/*.md; do
    install -m 0644 "$f" "$stage/$docdir/docs/"
done
for f in etc/slurm.conf.example etc/azure-role.json etc/azure-power.example.yaml; do
    [[ -r "$project_dir/$f" ]] || die "$project_dir/$f not found"
    install -m 0644 "$project_dir/$f" "$stage/$docdir/examples/"
done

# The copyright file, machine-readable (DEP-5, https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/):
# the program is Apache-2.0; each bundled jar with its holders and license from packaging/common/bundled-licenses.txt,
# and the text of every license that Debian's /usr/share/common-licenses does not hold. Both packages ship it.
dep5_name() { # SPDX expression -> DEP-5 license field (Debian's short names, lower-case "and"/"or")
    sed -e 's/ AND / and /g' -e 's/ OR / or /g' -e 's/\bLGPL-2\.1-or-later\b/LGPL-2.1+/g' \
        -e 's/\bLGPL-2\.1-only\b/LGPL-2.1/g' -e 's/\bMIT\b\([^-]\|$\)/Expat\1/g' -e 's/\bBSD-2-Clause\b/BSD-2-clause/g' <<< "$1"
}
declare -A lic_files=() lic_holders=() lic_expr=()
lic_order=() licenses=("Apache-2.0")
trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
while IFS='|' read -r glob spdx holders; do
    glob=$(trim "$glob")
    [[ -z "$glob" || "$glob" == \#* ]] && continue
    spdx=$(trim "$spdx") holders=$(trim "$holders")
    [[ -n "$spdx" && -n "$holders" ]] || die "bundled-licenses.txt: line for $glob needs a license and holders"
    lic_order+=("$glob") lic_expr[$glob]="$spdx" lic_holders[$glob]="$holders"
done < "$here/common/bundled-licenses.txt"
for e in "${cp_entries[@]}"; do
    name="${e#lib/}" found=""
    for glob in "${lic_order[@]}"; do
        # shellcheck disable=SC2053
        if [[ "$name" == $glob ]]; then found="$glob"; break; fi
    done
    if [[ -z "$found" ]]; then
        echo "build-packages: warning: no license known for $name: add it to packaging/common/bundled-licenses.txt" >&2
        continue
    fi
    lic_files[$found]+=" /$appdir/$e"
    licenses+=("${lic_expr[$found]}")
done
{
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: slurm-azure-power"
    echo "Upstream-Contact: $maintainer"
    [[ -n "$homepage" ]] && echo "Source: $homepage"
    echo "Comment: slurm-azure-power $version. The jars under /$appdir/lib"
    echo " are third-party libraries, bundled as published except that their signatures"
    echo " are removed; each group below names its copyright holders and license (the RPM's"
    echo " License tag has the same licenses as SPDX expressions)."
    echo
    echo "Files: *"
    echo "Copyright: 2026 The slurm-azure-power developers"
    echo "License: Apache-2.0"
    for glob in "${lic_order[@]}"; do
        [[ -n "${lic_files[$glob]:-}" ]] || continue
        echo
        printf 'Files:'
        for f in ${lic_files[$glob]}; do printf '\n %s' "${f#/}"; done
        echo
        printf 'Copyright: %s\n' "$(sed 's/; /\n /g' <<< "${lic_holders[$glob]}")"
        echo "License: $(dep5_name "${lic_expr[$glob]}")"
    done
    # One stand-alone paragraph per license used.
    for id in $(printf '%s\n' "${licenses[@]}" | sed -e 's/[()]//g' -e 's/ AND /\n/g' -e 's/ OR /\n/g' | sort -u); do
        echo
        echo "License: $(dep5_name "$id")"
        case "$id" in
            Apache-2.0)
                echo " Licensed under the Apache License, Version 2.0 (the \"License\"); you may not use"
                echo " this file except in compliance with the License."
                echo " ."
                echo " On Debian systems, the complete text of the Apache License 2.0 is in"
                echo " /usr/share/common-licenses/Apache-2.0; the RPM installs it as"
                echo " /usr/share/licenses/slurm-azure-power/LICENSE." ;;
            LGPL-2.1-only|LGPL-2.1-or-later)
                echo " On Debian systems, the complete text of the GNU Lesser General Public License"
                echo " version 2.1 is in /usr/share/common-licenses/LGPL-2.1 (elsewhere:"
                echo " https://www.gnu.org/licenses/old-licenses/lgpl-2.1.txt)." ;;
            *)
                [[ -r "$here/common/licenses/$id.txt" ]] \
                    || die "no text for the license $id: add packaging/common/licenses/$id.txt"
                sed -e 's/^[[:space:]]*$/./' -e 's/^/ /' "$here/common/licenses/$id.txt" ;;
        esac
    done
} > "$stage/$docdir/copyright"
chmod 0644 "$stage/$docdir/copyright"
# The RPM's License tag: this program's license and every bundled one (SPDX), each once: a conjunction is split
# into its terms, a choice (OR) kept whole.
rpm_license="Apache-2.0"
while IFS= read -r l; do
    [[ "$l" == "Apache-2.0" ]] && continue
    [[ "$l" == *" OR "* ]] && l="($l)"
    rpm_license="$rpm_license AND $l"
done < <(printf '%s\n' "${licenses[@]}" | sed '/ OR /!s/ AND /\n/g' | LC_ALL=C sort -u)

# The changelogs of both packages, from CHANGELOG.md: "## VERSION - YYYY-MM-DD" entries, newest first, of "- "
# items continued by lines indented two spaces. The newest entry is this build: its DEB version and RPM
# version-release are this package's, and a pre-release (-SNAPSHOT) is UNRELEASED in Debian's terms.
changelog="$project_dir/CHANGELOG.md"
[[ -r "$changelog" ]] || die "$changelog not found"
deb_changelog="$work/changelog.Debian" rpm_changelog="$work/changelog.rpm"
: > "$deb_changelog"
: > "$rpm_changelog"
entry_version="" entry_date="" entries=0 items=()
flush_entry() {
    [[ -n "$entry_version" ]] || return 0
    ((${#items[@]})) || die "$changelog: the entry $entry_version has no \"- \" line"
    local dv rv dist debdate rpmdate l
    if ((entries == 0)); then
        [[ "$entry_version" == "$base" ]] || die "$changelog: the newest entry is $entry_version, but this build \
is $version: add an entry \"## $base - YYYY-MM-DD\" at the top"
        dv="$deb_version" rv="$base-$rpm_release" dist=unstable
        [[ -n "$qualifier" ]] && dist=UNRELEASED
    else
        dv="$entry_version-1" rv="$entry_version-1" dist=unstable
    fi
    debdate=$(LC_ALL=C date -u -d "$entry_date" '+%a, %d %b %Y %H:%M:%S +0000') \
        || die "$changelog: invalid date $entry_date"
    rpmdate=$(LC_ALL=C date -u -d "$entry_date" '+%a %b %d %Y')
    {
        ((entries == 0)) || echo
        echo "slurm-azure-power ($dv) $dist; urgency=medium"
        echo
        for l in "${items[@]}"; do echo "  $l"; done
        echo
        echo " -- $maintainer  $debdate"
    } >> "$deb_changelog"
    {
        ((entries == 0)) || echo
        echo "* $rpmdate $maintainer - $rv"
        for l in "${items[@]}"; do
            l="${l//%/%%}"
            echo "${l/#\* /- }"
        done
    } >> "$rpm_changelog"
    entries=$((entries + 1))
}
while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" =~ ^##\ ([^ ]+)\ -\ ([0-9]{4}-[0-9]{2}-[0-9]{2})$ ]]; then
        flush_entry
        entry_version="${BASH_REMATCH[1]}" entry_date="${BASH_REMATCH[2]}" items=()
    elif [[ -z "$entry_version" || -z "$line" ]]; then
        continue
    elif [[ "$line" == "- "* ]]; then
        items+=("* ${line#- }")
    elif [[ "$line" == "  "* && ${#items[@]} -gt 0 ]]; then
        items+=("  ${line#  }")
    else
        die "$changelog: in the entry $entry_version, a line that is neither \"- item\" nor its continuation: $line"
    fi
done < "$changelog"
flush_entry
((entries > 0)) || die "$changelog: no entry \"## VERSION - YYYY-MM-DD\""

find "$stage" -type d -exec chmod 0755 {} +
chmod 0700 "$stage/var/lib/slurm-azure-power"
if [[ -n "${SOURCE_DATE_EPOCH:-}" ]]; then
    find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
fi

mkdir -p "$out"
out=$(cd -P "$out" && pwd -P)

# ---- DEB -----------------------------------------------------------------------------------------------------
if $want_deb; then
    root="$work/deb"
    cp -a "$stage" "$root"
    # Debian ships the state directory root-owned; postinst hands it to slurm with a dpkg-statoverride.
    chmod 0755 "$root/var/lib/slurm-azure-power"
    install -d -m 0755 "$root/DEBIAN"
    # Debian's changelog of a package with a Debian revision (0.1.0-1): changelog.Debian.gz.
    gzip -9n -c "$deb_changelog" > "$root/$docdir/changelog.Debian.gz"
    chmod 0644 "$root/$docdir/changelog.Debian.gz"
    [[ -n "${SOURCE_DATE_EPOCH:-}" ]] && touch -h -d "@$SOURCE_DATE_EPOCH" "$root/$docdir/changelog.Debian.gz" "$root/$docdir"
    installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
    sed -e "s|@DEB_VERSION@|$deb_version|" -e "s|@INSTALLED_SIZE@|$installed_size|" \
        -e "s|@MAINTAINER@|$maintainer|" "$here/deb/control.in" > "$root/DEBIAN/control"
    if [[ -n "$homepage" ]]; then
        sed -i "s|@HOMEPAGE@|$homepage|" "$root/DEBIAN/control"
    else
        sed -i '/^Homepage: @HOMEPAGE@$/d' "$root/DEBIAN/control"
    fi
    install -m 0644 "$here/deb/conffiles" "$root/DEBIAN/conffiles"
    install -m 0755 "$here/deb/postinst" "$here/deb/prerm" "$here/deb/postrm" "$root/DEBIAN/"
    install -m 0644 "$here/deb/triggers" "$root/DEBIAN/triggers"
    (cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
        > "$root/DEBIAN/md5sums"
    chmod 0644 "$root/DEBIAN/md5sums"
    [[ -n "${SOURCE_DATE_EPOCH:-}" ]] && find "$root/DEBIAN" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    deb="$out/slurm-azure-power_${deb_version}_all.deb"
    # gzip: every dpkg reads it (xz gains little on jars, zstd needs dpkg 1.21.18+).
    dpkg-deb --root-owner-group -Zgzip -z9 --build "$root" "$deb" >/dev/null
    echo "build-packages: $deb"
fi

# ---- RPM -----------------------------------------------------------------------------------------------------
if $want_rpm; then
    top="$work/rpm"
    mkdir -p "$top"/{BUILD,BUILDROOT,RPMS,SOURCES,SPECS,SRPMS,tmp}
    # The spec, with its %changelog from CHANGELOG.md.
    { cat "$here/rpm/slurm-azure-power.spec"; echo; echo "%changelog"; cat "$rpm_changelog"; } > "$top/SPECS/slurm-azure-power.spec"
    rpmbuild -bb --quiet \
        --define "_topdir $top" \
        --define "_tmppath $top/tmp" \
        --define "_rpmdir $out" \
        --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
        --define "pkg_version $base" \
        --define "pkg_release $rpm_release" \
        --define "pkg_license $rpm_license" \
        --define "stage_root $stage" \
        --define "license_file $project_dir/LICENSE" \
        --define "pkg_packager $maintainer" \
        ${homepage:+--define "pkg_url $homepage"} \
        ${SOURCE_DATE_EPOCH:+--define "use_source_date_epoch_as_buildtime 1"} \
        "$top/SPECS/slurm-azure-power.spec" >&2
    echo "build-packages: $out/slurm-azure-power-$base-$rpm_release.noarch.rpm"
fi
