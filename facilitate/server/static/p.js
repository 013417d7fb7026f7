(function(){var d=document,m=d.getElementById('main'),x=d.getElementById('exit'),t0=Date.now();
d.documentElement.className+=' js';
if(x)x.addEventListener('click',function(e){e.preventDefault();location.replace(x.href)});
window.addEventListener('pageshow',function(e){if(e.persisted)location.reload()});
function fmt(s){var t=Math.ceil(s),h=Math.floor(t/3600),n=Math.floor(t%3600/60),c=t%60;function p(v){return(v<10?'0':'')+v}return(h?h+':'+p(n):p(n))+':'+p(c)}
setInterval(function(){var l=d.getElementById('left'),s;if(!l||!l.getAttribute('data-left'))return;
s=+l.getAttribute('data-left')-(Date.now()-t0)/1000;
if(s<0){l.textContent=l.getAttribute('data-over');l.removeAttribute('data-left')}else l.textContent=l.getAttribute('data-words').replace('{time}',fmt(s))},1000);
if(!m||!m.getAttribute('data-item')||!window.EventSource)return;
var busy=0,again=0;
function get(part,use){var r=new XMLHttpRequest();r.open('GET','/?part='+part);r.onload=function(){if(r.status===200){use(r.responseText);t0=Date.now()}};r.send();return r}
function load(){if(busy){again=1;return}busy=1;var r=get(1,function(h){m.innerHTML=h});r.onloadend=function(){busy=0;if(again){again=0;load()}}}
function bar(){var b=d.getElementById('bar');if(b)get('bar',function(h){var n=d.createElement('div'),f;n.innerHTML=h;f=n.querySelector('.bar');if(f&&b.parentNode)b.parentNode.replaceChild(f,b)})}
setInterval(function(){var b=d.getElementById('bar');if(b&&b.getAttribute('data-poll'))bar()},20000);
new EventSource('/events').addEventListener('change',function(e){var v;try{v=JSON.parse(e.data)}catch(_){return}
if(v.item!==m.getAttribute('data-item')||v.phase!==m.getAttribute('data-phase')){
m.setAttribute('data-item',v.item);m.setAttribute('data-phase',v.phase);m.setAttribute('data-timer',v.timer);load()}
else if(String(v.timer)!==m.getAttribute('data-timer')){m.setAttribute('data-timer',v.timer);bar()}})})();
