"""Calls one tool of an MCP server through the Python MCP SDK (1.x, protocol 2025-11-25, a session over Streamable HTTP).

usage: python call_tool.py <mcp-url> <tool> <arguments-json> [<answer>...]
With answers, the client declares elicitation and answers each elicitation/create, in order, with {"answer": ...}.
Prints one JSON line: the negotiated protocol version, the questions asked, and the tool result.
"""

import asyncio
import json
import sys
from datetime import timedelta

from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client


async def main(url: str, tool: str, arguments: dict, answers: list[str]) -> dict:
    questions: list[str] = []
    progress: list[str] = []

    async def answer(_context, params: types.ElicitRequestParams) -> types.ElicitResult:
        questions.append(params.message)
        if len(questions) > len(answers):
            return types.ElicitResult(action="decline")
        return types.ElicitResult(action="accept", content={"answer": answers[len(questions) - 1]})

    async def on_progress(_progress: float, _total: float | None, message: str | None) -> None:
        progress.append(message or "")

    async with streamable_http_client(url) as (read, write, _session_id):
        async with ClientSession(read, write, elicitation_callback=answer if answers else None) as session:
            init = await session.initialize()
            result = await session.call_tool(
                tool, arguments, read_timeout_seconds=timedelta(seconds=600), progress_callback=on_progress
            )
            return {
                "protocolVersion": init.protocolVersion,
                "questions": questions,
                "progress": progress,
                "isError": bool(result.isError),
                "text": "\n".join(c.text for c in result.content if isinstance(c, types.TextContent)),
                "structuredContent": result.structuredContent,
            }


if __name__ == "__main__":
    out = asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4:]))
    print(json.dumps(out))
