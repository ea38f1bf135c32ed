#!/usr/bin/env python3
"""Rebuilds eval/collections/ from Debian packages (run once; the result is committed).

    apt-get install -y debian-faq debian-policy man-db manpages
    python3 eval/make-collections.py

Text is kept as the packages ship it (hard-wrapped, non-breaking spaces and all); man
pages are rendered at 80 columns as a terminal shows them. Only the split into files and
the choice of which files belong to an organization (`orgs/<domain>/`) are ours.
"""
import gzip, os, re, shutil, subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "collections")


def write(path, text):
    path = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.rstrip("\n") + "\n")


def slug(title, limit=40):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:limit].strip("-")


def faq():
    """The Debian FAQ (plain text), one file per chapter."""
    lines = gzip.open("/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz", "rt", encoding="utf-8").read().split("\n")
    starts = [i for i, l in enumerate(lines) if re.match(r"^Chapter\s\d+\.\s", l)]
    for n, s in enumerate(starts):
        e = starts[n + 1] if n + 1 < len(starts) else len(lines)
        m = re.match(r"^Chapter\s(\d+)\.\s(.*)", lines[s])
        num = int(m.group(1))
        # Two chapters are another organization's, one is the asking organization's own.
        folder = {14: "orgs/other.example/", 15: "orgs/other.example/", 12: "orgs/mine.example/"}.get(num, "")
        write(f"faq/{folder}{num:02d}-{slug(m.group(2))}.txt", "\n".join(lines[s:e]))


MAN_SHARED = """apt-get.8 apt.8 apt-cache.8 apt-mark.8 sources.list.5 apt_preferences.5 dpkg.1 dpkg-query.1
    useradd.8 usermod.8 userdel.8 passwd.1 chage.1 ssh.1 ssh_config.5 tar.1 gzip.1 find.1 grep.1
    chmod.1 chown.1 cp.1 du.1 df.1 ls.1 date.1 fstab.5 login.defs.5 shadow.5 limits.conf.5 hosts.5
    resolv.conf.5 journald.conf.5 shutdown.8 timesyncd.conf.5 sysctl.8 lsblk.8 groupadd.8 kill.1""".split()
MAN_OTHER = ["git-stash.1", "git-commit.1", "less.1"]
MAN_MINE = ["adduser.8", "hostname.1"]


def manpages():
    """Manual pages as `man` shows them on an 80-column terminal."""
    env = dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0")
    for folder, pages in (("", MAN_SHARED), ("orgs/other.example/", MAN_OTHER), ("orgs/mine.example/", MAN_MINE)):
        for page in pages:
            name, section = page.rsplit(".", 1)
            text = subprocess.run(["man", "-P", "cat", section, name], env=env, capture_output=True, text=True, check=True).stdout
            text = subprocess.run(["col", "-bx"], input=text, capture_output=True, text=True, check=True).stdout
            write(f"manpages/{folder}{page}.txt", text)


def policy():
    """Debian Policy (plain text), one file per chapter and appendix; two of its
    sub-policies belong to another organization, one chapter to the asking one."""
    lines = gzip.open("/usr/share/doc/debian-policy/policy.txt.gz", "rt", encoding="utf-8").read().split("\n")
    # Chapter titles are underlined with "*"; the appendices number from 1 again.
    starts = [i for i in range(len(lines) - 1) if re.match(r"^\d+\. \S", lines[i]) and re.match(r"^\*{3,}$", lines[i + 1])]
    appendix = False
    for n, s in enumerate(starts):
        e = starts[n + 1] if n + 1 < len(starts) else len(lines)
        num, title = lines[s].split(". ", 1)
        appendix = appendix or (n > 0 and int(num) == 1)
        folder = "orgs/mine.example/" if not appendix and int(num) == 12 else ""
        prefix = "appendix-" if appendix else ""
        write(f"policy/{folder}{prefix}{int(num):02d}-{slug(title)}.txt", "\n".join(lines[s:e]))
    for name in ("perl-policy", "menu-policy"):
        text = gzip.open(f"/usr/share/doc/debian-policy/{name}.txt.gz", "rt", encoding="utf-8").read()
        write(f"policy/orgs/other.example/{name}.txt", text)


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    faq()
    manpages()
    policy()
    for c in sorted(os.listdir(OUT)):
        files = [os.path.join(r, f) for r, _, fs in os.walk(os.path.join(OUT, c)) for f in fs]
        print(c, len(files), "files", sum(os.path.getsize(f) for f in files), "bytes")
