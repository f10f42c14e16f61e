"""What an import tells the clerk: one problem per row and column, the report, a refused file."""

from __future__ import annotations

from dataclasses import dataclass, field

from xinfang.core.errors import DomainError


@dataclass
class Problem:
    row: int  # spreadsheet row (the header is row 1); 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{'「' + self.column + '」' if self.column else ''}：{self.message}"


@dataclass
class ImportReport:
    filename: str
    partial: bool
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False
    first: str = ""
    last: str = ""

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row})

    @property
    def fatal(self) -> bool:
        return any(p.row == 0 for p in self.problems)

    def summary(self) -> str:
        if self.fatal:
            return "文件未导入：" + "；".join(p.message for p in self.problems if p.row == 0)
        head = (
            f"共{self.rows}行：新导入{self.created}件，重复（已导入过）{self.duplicates}行，有问题{self.bad_rows}行。"
        )
        if self.problems and not self.partial:
            return head + "因存在问题行且选择了“全部正确才导入”，本次未导入任何数据。"
        if self.created:
            return head + f"编号{self.first}至{self.last}。"
        return head


class FileRejected(DomainError):
    code = "file_rejected"


# ---------------------------------------------------------------- reading
