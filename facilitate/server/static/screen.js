(function(){var live=document.getElementById('live'),base=live.getAttribute('data-base'),loaded=Date.now();
function fmt(s){var neg=s<0,t=Math.floor(Math.abs(s)+(neg?0:.999)),h=Math.floor(t/3600),m=Math.floor(t%3600/60),x=t%60;
function p(n){return(n<10?'0':'')+n}return(neg?'-':'')+(h?h+':'+p(m):p(m))+':'+p(x)}
function tick(){var el=document.getElementById('timer'),c=document.getElementById('timer-caption');if(!el||el.getAttribute('data-running')!=='1')return;
var r=parseFloat(el.getAttribute('data-remaining'))-(Date.now()-loaded)/1000,s=r<0?'over':r<=parseFloat(el.getAttribute('data-warn-below'))?'warning':'';
el.textContent=fmt(r);if(s){el.className='timer '+s;if(c)c.textContent=c.getAttribute('data-'+s)}}
setInterval(tick,1000);var busy=0,again=0;
function load(){if(busy){again=1;return}busy=1;var r=new XMLHttpRequest();r.open('GET',base+'/part'+location.search);
r.onload=function(){if(r.status===200){live.innerHTML=r.responseText;loaded=Date.now();tick()}done()};r.onerror=done;r.send()}
function done(){busy=0;if(again){again=0;load()}}
if(window.EventSource)new EventSource(base+'/events').addEventListener('change',load)})();
