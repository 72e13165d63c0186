"""The lab box's and the lab pages' words, in English and 中文."""
from cnnotes.bilingual.strings import lookup

STRINGS = {
    "labs": {"en": "Labs", "zh": "实验"},
    "lab": {"en": "Lab", "zh": "实验"},
    "reproduce": {"en": "Reproduce this post:", "zh": "复现本文："},
    "reproduce_lab": {"en": "Reproduce it:", "zh": "复现："},
    "last_result": {"en": "Last result:", "zh": "上次结果："},
    "passed": {"en": "passed", "zh": "通过"},
    "failed": {"en": "failed", "zh": "失败"},
    "skipped": {"en": "skipped", "zh": "跳过"},
    "never run": {"en": "never run", "zh": "从未运行"},
    "not_verified": {"en": "Not verified on this machine", "zh": "未在这台机器上验证"},
    "not_verified_yet": {"en": "Not verified yet", "zh": "尚未验证"},
    "needs": {"en": "needs", "zh": "需要"},
    "changed": {"en": "changed since last verified", "zh": "自上次验证以来已修改"},
    "transcript": {"en": "Transcript of the last run", "zh": "上次运行的记录"},
    "lab_source": {"en": "Lab source", "zh": "实验源文件"},
    "for_post": {"en": "Reproduces", "zh": "复现的文章"},
    "took": {"en": "took {d}", "zh": "用时 {d}"},
    "runs_a": {"en": "Every lab runs for real with", "zh": "每个实验都可以用"},
    "runs_b": {"en": "; this page shows the last recorded run of each.",
               "zh": "在本机真实运行；此页显示每个实验最近一次的记录。"},
    "command": {"en": "Run it", "zh": "运行"},
    "requires": {"en": "Requires", "zh": "需要"},
    "root": {"en": "root", "zh": "root 权限"},
    "kernel": {"en": "kernel", "zh": "内核"},
    "no_transcript": {"en": "No run recorded yet: the blocks below have not been run.",
                      "zh": "还没有运行记录：下面的代码块尚未运行。"},
    "measurements": {"en": "Measurements", "zh": "测量值"},
    "host": {"en": "Host", "zh": "主机"},
    "status": {"en": "Status", "zh": "状态"},
    "date": {"en": "Date", "zh": "日期"},
    "no_output": {"en": "no recorded output yet", "zh": "还没有记录的输出"},
    "stale_output": {"en": "output recorded before the last change", "zh": "输出记录于这一步上次修改之前"},
    "measured_by": {"en": "Measured by the {lab} lab on {date}", "zh": "{date}由实验 {lab} 测得"},
    "unknown_date": {"en": "an unknown date", "zh": "日期不详"},
    "run_failed": {"en": "that run failed", "zh": "那次运行失败了"},
    "ci_passed": {"en": "Verified on", "zh": "已验证于"},
    "ci_failed": {"en": "Failed on", "zh": "运行失败于"},
    "ci_kernel": {"en": "kernel", "zh": "内核"},
    "ci_on": {"en": "on", "zh": "，"},
}


def lab_t(key: str, lang: str = "en", /, **kwargs) -> str:
    return lookup(STRINGS, key, lang, **kwargs)


def duration(seconds, lang="en") -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s} s" if lang == "en" else f"{m} 分 {s} 秒"
