"""Nightly integrity checks (密码应用: 日志与访问控制信息完整性): the audit hash chain and the role-assignment HMACs.

A broken link or an altered role assignment fails the flow run (visible in Prefect) and leaves an audit event."""

from __future__ import annotations

from prefect import flow

from flows.django_setup import setup


@flow(name="integrity-nightly-check", log_prints=True)
def integrity_check() -> dict:
    setup()
    from security import audit
    from security.acl import verify_assignments
    from security.chain import verify_chain

    chain = verify_chain()
    acl_issues = verify_assignments()
    result = {"audit_chain_ok": chain.ok, "audit_chain": chain.message(), "acl_issues": len(acl_issues)}
    print(result)
    if not chain.ok or acl_issues:
        from security.context import system_actor

        with system_actor("完整性校验"):
            audit.record(action="security.integrity_failed", summary="完整性校验发现问题", data=result)
        raise RuntimeError(f"完整性校验失败：{chain.message()}；权限分配异常 {len(acl_issues)} 条")
    return result


DEPLOYMENTS = [(integrity_check, {"cron": "30 2 * * *"})]
